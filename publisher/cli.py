"""The `samenleven` command (also `python -m publisher`)."""

import sys
import time
from datetime import date
from pathlib import Path

import click

from publisher import build as building
from publisher import config
from publisher.errors import NotConforming, PublisherError


def _settings(ctx: click.Context) -> dict:
    return config.load(ctx.obj)


def _progress(start=time.monotonic()):
    """Report a step on stderr, with the time since the command started."""
    def report(message: str) -> None:
        click.echo(f"[{time.monotonic() - start:5.1f}s] {message}", err=True)
    return report


def _fail(error: PublisherError):
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


@click.group(help="Build, validate and serve the knowledge graph of 'Samenleven in diversiteit'.\n\n"
             "Settings come from SAMENLEVEN_* environment variables; see the README.")
@click.option("--graph-dir", type=click.Path(file_okay=False, path_type=Path), help="Folder of the curated graph.")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), help="Where builds are written.")
@click.option("--base", help="Base of the instance URIs.")
@click.version_option(package_name="samenleven")
@click.pass_context
def main(ctx, graph_dir, build_dir, base):
    ctx.obj = {"graph_dir": graph_dir, "build_dir": build_dir, "base": base}


@main.command()
@click.pass_context
def build(ctx):
    """Validate the graph and publish it as a store and dumps (exit 1: does not conform; 2: unreadable input)."""
    try:
        manifest = building.build(_settings(ctx), _progress())
    except NotConforming as error:
        click.echo(error.report.text(), err=True)
        _fail(error)
    except PublisherError as error:
        _fail(error)
    click.echo(f"built {manifest['id']}")
    for name, count in manifest["counts"].items():
        click.echo(f"  {name}: {count}")
    click.echo(f"  warnings: {manifest['warnings']}")


@main.command()
@click.option("--format", "output", type=click.Choice(["text", "json", "ttl"]), default="text",
              help="text for people, json a list of results, ttl the SHACL validation report graph.")
@click.pass_context
def validate(ctx, output):
    """Validate without publishing; same report and exit codes as build."""
    try:
        report = building.prepare(_settings(ctx), _progress()).report
    except PublisherError as error:
        _fail(error)
    click.echo({"text": report.text, "json": report.json, "ttl": report.turtle}[output]())
    sys.exit(0 if report.conforms else NotConforming.exit_code)


@main.command()
@click.argument("name")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day the name was written (default today).")
@click.pass_context
def link(ctx, name, day):
    """Link a place name or postal code to the municipality valid on a day (exit 1: unknown or ambiguous)."""
    from publisher import linker
    try:
        found = linker.for_graph(_settings(ctx)["graph_dir"]).link(name, day.date() if day else None)
    except PublisherError as error:
        _fail(error)
    click.echo(found.describe())


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="The practice's title, for a page that carries none.")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The day the page was written: places link to the municipalities of that day (default today).")
@click.option("--force", is_flag=True, help="Overwrite an existing file in graph/.")
@click.option("--dry-run", is_flag=True, help="Print the Turtle instead of writing it.")
@click.pass_context
def import_(ctx, files, title, day, force, dry_run):
    """Import practice pages (text or HTML) into graph/praktijk-{slug}.ttl."""
    from publisher import importer
    settings = _settings(ctx)
    try:
        # Read every page before writing any, so that one bad page leaves graph/ untouched.
        imports = [(path, importer.import_page(path, settings, title, day.date() if day else None))
                   for path in files]
        for path, imported in imports:
            if imported.path.exists() and not force and not dry_run:
                raise importer.InputError("exists already; give --force to overwrite it", imported.path)
        for path, imported in imports:
            for line, message in imported.warnings:
                click.echo(f"warning: {path}:{line}: {message}", err=True)
            if dry_run:
                click.echo(imported.graph.serialize(format="turtle"))
            else:
                importer.write(imported, path, force)
                click.echo(f"wrote {imported.path} ({len(imported.graph)} triples)")
    except PublisherError as error:
        _fail(error)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def serve(ctx, host, port):
    """Serve the last build on http://HOST:PORT (the development server)."""
    from publisher.app import create_app
    app = create_app(ctx.obj)
    app.run(host=host, port=port, debug=False, use_reloader=False)
