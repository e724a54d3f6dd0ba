"""samenleven: builds the good-practice database of 'Samenleven in diversiteit' into linked open data and
serves it."""

__version__ = "0.1.0"
