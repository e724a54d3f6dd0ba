"""The benchmarks: the one command ``python -m benchmarks`` (``__main__``) and the pieces its items share.

``wrk`` drives the load client, ``contenders`` starts and stops the servers compared, ``items`` says what each
is asked, ``machine`` describes the machine, ``report`` writes the table. The older scripts beside them
(``load.py``, ``startup.py``, …) are run as files and reuse these pieces. Nothing here is imported by the
publisher or by a test that times anything.
"""
