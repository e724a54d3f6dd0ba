"""The editors' side of contributions (issue 15): the proposals database, editor accounts, the review actions.

It holds the queue of proposals (``queue``: SQLite by default, PostgreSQL when ``database_url`` names one), the
editors and their passwords (``editors``), and what accepting a proposal does to ``graph/`` (``review``). It may
read a build through ``publisher.store`` and run a build; nothing in the build imports it.
"""
