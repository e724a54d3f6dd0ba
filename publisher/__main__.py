"""`python -m publisher` is the `samenleven` command."""

from publisher.cli import main

main()
