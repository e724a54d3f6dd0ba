"""The bound: a minimal Flask app that answers ``/sparql?query=`` from a build's store in its own process.

No guardrail (no time limit, no row or size cap, no sandbox process, no SERVICE or update refusal), no
negotiation beyond the query's form, no ETag, no hooks: what a Python server on pyoxigraph can reach at all,
served by gunicorn as the publisher is (``contenders.minimal``). The store is the folder in ``MINIMAL_STORE``.
Never used by the publisher or its tests.
"""

import os

import pyoxigraph as ox
from flask import Flask, Response, request

app = Flask(__name__)
store = ox.Store.read_only(os.environ["MINIMAL_STORE"])


@app.get("/sparql")
def sparql():
    """Run the query and write its answer with pyoxigraph's own writers: SPARQL JSON, or Turtle for a graph."""
    result = store.query(request.args["query"])
    if isinstance(result, ox.QueryTriples):
        return Response(result.serialize(format=ox.RdfFormat.TURTLE), content_type="text/turtle; charset=utf-8")
    return Response(result.serialize(format=ox.QueryResultsFormat.JSON),
                    content_type="application/sparql-results+json")
