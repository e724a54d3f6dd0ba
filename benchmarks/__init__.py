"""The benchmarks: the one command ``python -m benchmarks`` (``__main__``) and the pieces its items share.

``wrk`` drives the load client, ``contenders`` starts and stops the servers compared, ``items`` says what each
is asked, ``startup`` times each worker's start, ``canned`` the canned queries and count pages, ``endpoint_profile``
splits a request's CPU time, ``machine`` describes the machine, ``report`` writes the table. The scripts beside
them (``load.py``, ``startup.py``, …) are run as files and reuse these pieces. Nothing here is imported by the
publisher or by a test that times anything.
"""
