"""The editors' side of contributions (issue 15): the proposals database, editor accounts, the review actions.

``queue`` holds the proposals and the log of actions (``schema``: SQLite by default, PostgreSQL when
``database_url`` names one); ``editors`` the accounts, their argon2 hashes, failed logins and session
generations; ``throttle`` how often one client address may log in or contribute, counted in the same database;
``sessions`` the signed cookie and CSRF protection of their pages; ``diff`` the fields of a proposal beside the build's; ``review`` what accept,
decline and ask do, for the pages (``views.editors``) and the command (``commands``). It may read a build through
``publisher.store`` and run a build; nothing in the build imports it.
"""
