"""``samenleven editor`` and ``samenleven proposals``: the editors' accounts and the queue from the command line.

The same actions as the pages of ``/redactie`` (``review``), logged under ``--editor`` (by default the account
that runs the command). Exit 0 done; 1 refused (the reason on stderr, with the build's report for an accept the
build refused); 2 a setting that cannot be read.
"""

import getpass
import sys

import click

from publisher import config
from publisher.errors import PublisherError
from publisher.moderation import editors as accounts, queue as queues


def _queue(ctx) -> queues.Queue:
    return queues.open_queue(_settings(ctx))


def _settings(ctx) -> dict:
    try:
        return config.load(ctx.find_root().obj)
    except PublisherError as error:
        _fail(error)


def _fail(error: PublisherError, report: str = ""):
    if report:
        click.echo(report, err=True)
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


@click.group()
def editor():
    """The editors' accounts of /redactie."""


@editor.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input "
              "instead of asking for it twice.")
@click.option("--replace", is_flag=True, help="Give an existing editor a new password; this ends the editor's "
              "sessions and enables a disabled account.")
@click.pass_context
def add(ctx, name, password_stdin, replace):
    """Make the account NAME (lower-case letters, digits, '.', '_', '-'), asking for its password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        _editors(ctx).add(name, password, replace)
    except PublisherError as error:
        _fail(error)
    click.echo(f"editor {name} {'has a new password; its sessions are ended' if replace else 'added'}")


def _editors(ctx) -> accounts.Editors:
    return accounts.Editors(_queue(ctx), _settings(ctx)["max_login_failures"])


@editor.command("list")
@click.pass_context
def names(ctx):
    """List the editors' names."""
    for name in _editors(ctx).names():
        click.echo(name)


@editor.command()
@click.argument("name")
@click.pass_context
def disable(ctx, name):
    """End every session of NAME and refuse its logins, until `editor add NAME --replace`."""
    try:
        _editors(ctx).disable(name)
    except PublisherError as error:
        _fail(error)
    click.echo(f"editor {name} is disabled and logged out everywhere")


@editor.command("end-sessions")
@click.argument("name")
@click.pass_context
def end_sessions(ctx, name):
    """End every session of NAME: each browser asks for the login again."""
    try:
        _editors(ctx).end_sessions(name)
    except PublisherError as error:
        _fail(error)
    click.echo(f"editor {name} is logged out everywhere")


@click.group()
def proposals():
    """The proposals of contributors: list, show, accept, decline, ask."""


@proposals.command("list")
@click.option("--status", type=click.Choice(queues.STATUSES), help="Only the proposals of this status.")
@click.pass_context
def listing(ctx, status):
    """List the proposals, newest first: received, status, kind, token, title."""
    from publisher.moderation import diff  # here: the other commands need no RDF parser
    for item in _queue(ctx).listing(status):
        click.echo("\t".join((item.created, item.status, item.kind, item.token, diff.title(item.turtle, "nl"))))


@proposals.command()
@click.argument("token")
@click.pass_context
def show(ctx, token):
    """Show a proposal: its fields, its Turtle and the log of what editors did."""
    from publisher.moderation import diff
    queue = _queue(ctx)
    item = queue.get(token)
    if item is None:
        _fail(PublisherError(f"no proposal {token}"))
    click.echo(f"title: {diff.title(item.turtle, 'nl')}")
    for name in ("token", "kind", "subject", "status", "created", "reason", "published", "photo_type", "language"):
        click.echo(f"{name}: {getattr(item, name) or ''}")
    click.echo("contributor: " + ", ".join(f"{k}={v}" for k, v in item.contributor.items()))
    click.echo("\n" + item.turtle.rstrip() + "\n")
    for action in queue.actions(token):
        click.echo(f"{action.at}\t{action.editor}\t{action.action}\t{action.detail.splitlines()[0] if action.detail else ''}")


def _editor_option(command):
    return click.option("--editor", "who", default=getpass.getuser, show_default="the account running it",
                        help="The editor the log names.")(command)


@proposals.command()
@click.argument("token")
@_editor_option
@click.pass_context
def accept(ctx, token, who):
    """Write the proposal into the graph folder and build; if the build refuses it, nothing is published."""
    from publisher.moderation import review
    try:
        published = review.accept(_settings(ctx), _queue(ctx), token, who)
    except review.ReviewError as error:
        _fail(error, error.report)
    click.echo(f"accepted and published: {published}")


@proposals.command()
@click.argument("token")
@click.option("--reason", required=True, help="Why, for the contributor to read on the proposal's page.")
@_editor_option
@click.pass_context
def decline(ctx, token, reason, who):
    """Decline a proposal with a reason."""
    from publisher.moderation import review
    try:
        review.decline(_settings(ctx), _queue(ctx), token, who, reason)
    except review.ReviewError as error:
        _fail(error)
    click.echo(f"declined: {token}")


@proposals.command()
@click.argument("token")
@click.option("--message", required=True, help="The question to the contributor.")
@_editor_option
@click.pass_context
def ask(ctx, token, message, who):
    """Ask the contributor a question: mailed when smtp is set, else printed for you to send."""
    from publisher.moderation import review
    settings = _settings(ctx)
    link = (settings["public_url"].strip() or "/").rstrip("/") + "/bijdragen/" + token
    try:
        question = review.ask(settings, _queue(ctx), token, who, message, link)
    except review.ReviewError as error:
        _fail(error)
    if question.sent:
        click.echo(f"sent to {question.to}")
    else:
        click.echo(f"no mail server is set (smtp): send this yourself\nTo: {question.to}\n"
                   f"Subject: {question.subject}\n\n{question.text}")
