"""The `samenleven` command (also `python -m publisher`)."""

import os
import sys
import time
from pathlib import Path

import click

from publisher import config, formats, sparql
from publisher.errors import NotConforming, PublisherError
from publisher.vocab import PREFIXES


def _settings(ctx: click.Context) -> dict:
    try:
        return config.load(ctx.obj)
    except PublisherError as error:
        _fail(error)


def _progress(start=time.monotonic()):
    """Report a step on stderr, with the time since the command started."""
    def report(message: str) -> None:
        click.echo(f"[{time.monotonic() - start:5.1f}s] {message}", err=True)
    return report


def _fail(error: PublisherError):
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


_TYPES = {bool: click.BOOL, int: click.INT, float: click.FLOAT, str: click.STRING}


def _settings_options(command):
    """Give ``command`` one option per setting of ``config.SETTINGS`` (``max_rows`` is ``--max-rows``), so that a
    new setting is an option with no edit here."""
    for setting in reversed(config.SETTINGS):
        kind = click.Path(file_okay=False, path_type=Path) if setting.name.endswith("_dir") else \
            _TYPES[type(setting.default)]
        command = click.option(f"--{setting.name.replace('_', '-')}", setting.name, type=kind, default=None,
                               help=f"{setting.help} [{setting.env}; default: {setting.default!r}]")(command)
    return command


@click.group(help="Build, validate and serve the knowledge graph of 'Samenleven in diversiteit'.\n\n"
             "Each setting comes from its default, then its SAMENLEVEN_* environment variable, then its option "
             "below, given before the command (samenleven --max-rows 500 serve); see the README.")
@_settings_options
@click.version_option(package_name="samenleven")
@click.pass_context
def main(ctx, **given):
    ctx.obj = {name: value for name, value in given.items() if value is not None}


@main.command()
@click.option("--allow-shrink", is_flag=True,
              help="Publish even if the build removes more than max_shrink of the practices, initiatives or "
              "organisations.")
@click.option("--verbose", is_flag=True, help="Print each phase's wall time and peak memory (also in build.json).")
@click.pass_context
def build(ctx, allow_shrink, verbose):
    """Validate the graph and publish it as a store and dumps (exit 1: does not conform or removes too much;
    2: unreadable input or state; 3: another build is running)."""
    from publisher import build as building  # here: the other commands, serve above all, need no pySHACL
    from publisher.phases import Phases, Shown
    shown = Shown(building.PHASES, sys.stderr, verbose)  # a bar on a terminal; plain lines in a log
    try:
        manifest = building.build(_settings(ctx), shown.report, allow_shrink, Phases(shown))
    except NotConforming as error:
        shown.close()
        click.echo(error.report.text(), err=True)
        _fail(error)
    except PublisherError as error:
        shown.close()
        _fail(error)
    shown.close()
    click.echo(f"built {manifest['id']}")
    for name, count in manifest["counts"].items():
        click.echo(f"  {name}: {count}")
    click.echo(f"  warnings: {manifest['warnings']}")
    click.echo(f"  peak memory: {manifest['peak_memory_mb']} MB")
    if verbose:
        for record in manifest["phases"]:
            click.echo(f"  phase {record['name']}: {record['seconds']:.2f} s, peak {record['peak_memory_mb']} MB")


@main.command()
@click.option("--practices", type=click.IntRange(min=1), required=True, help="How many practices to make.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same bytes.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The graph folder to write (new or empty); build it with --graph-dir OUT.")
@click.pass_context
def generate(ctx, practices, seed, out):
    """Write made-up practices, initiatives, organisations and programmes in our own model into a graph folder, with
    the places of graph_dir (exit 2: OUT is not empty)."""
    from publisher import generate as generating
    settings = _settings(ctx)
    try:
        written = generating.write(out, practices, seed, settings["graph_dir"], settings["ontology_dir"])
    except PublisherError as error:
        _fail(error)
    click.echo(f"wrote {out}: {written.practices} practices, {written.initiatives} initiatives, "
               f"{written.organisations} organisations, {written.programmes} programmes")


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The SPARQL 1.1 Graph Store Protocol endpoint of the store (Oxigraph: http://HOST:PORT/store).")
@click.pass_context
def load(ctx, endpoint):
    """Put the build in use into a remote store as a named graph, then switch the servers whose `store` setting
    names that store to it (exit 1: the store is unreachable, refused it or holds less; the served build stays)."""
    from publisher.store import graphstore
    try:
        graph = graphstore.load(_settings(ctx), endpoint, _progress())
    except PublisherError as error:
        _fail(error)
    click.echo(f"loaded into {graph} at {endpoint}; `loaded` points to it")


@main.command()
@click.option("--format", "output", type=click.Choice(["text", "json", "ttl"]), default="text",
              help="text for people, json a list of results, ttl the SHACL validation report graph.")
@click.pass_context
def validate(ctx, output):
    """Validate without publishing; same report and exit codes as build."""
    try:
        from publisher import build as building
        report = building.prepare(_settings(ctx), _progress()).report
    except PublisherError as error:
        _fail(error)
    click.echo({"text": report.text, "json": report.json, "ttl": report.turtle}[output]())
    sys.exit(0 if report.conforms else NotConforming.exit_code)


@main.command()
@click.argument("name", required=False)
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day the name was written (default today).")
@click.option("--csv", "table", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Link every row of this CSV file instead of NAME; the file is written back with nis, uri, name, "
              "match and note columns added.")
@click.option("--column", help="With --csv: the column of place names.")
@click.option("--on-column", help="With --csv: a column of dates (YYYY-MM-DD or DD/MM/YYYY) each row's name is "
              "linked as of; an empty cell is --on, else today.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --csv: write the linked CSV to this file (default standard output).")
@click.pass_context
def link(ctx, name, day, table, column, on_column, output):
    """Link a place name or postal code to the municipality valid on a day (exit 1: unknown or ambiguous),
    or with --csv every row of a spreadsheet (a summary of the matches on stderr)."""
    from publisher import linker
    try:
        if bool(name) == bool(table) or bool(table) != bool(column):
            raise click.UsageError("give a NAME, or --csv FILE with --column NAME")
        places = linker.for_graph(_settings(ctx)["graph_dir"])
        if table:
            _link_csv(places, table, column, on_column, day.date() if day else None, output)
            return
        found = places.link(name, day.date() if day else None)
    except PublisherError as error:
        _fail(error)
    click.echo(found.describe())


def _link_csv(places, path: Path, column: str, on_column: str | None, day, output: Path | None) -> None:
    from publisher import batch
    table = batch.read(path)
    with click.progressbar(length=len(table.rows) - 1, label=f"linking {path.name}", file=sys.stderr) as bar:
        def progress(rows):
            for row in rows:
                yield row
                bar.update(1)
        counts = batch.link_table(places, table, column, on_column, day, progress)
    if output:  # written beside and renamed: an interrupted run leaves no half file in its place
        partial = output.with_name(f".{output.name}.partial")
        partial.write_bytes(table.encode())
        os.replace(partial, output)
    else:
        click.get_binary_stream("stdout").write(table.encode())
    click.echo(f"linked {len(table.rows) - 1} rows: "
               + ", ".join(f"{count} {match}" for match, count in counts.items()), err=True)


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
@click.argument("name", required=False)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the query in this file instead of a canned one.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the query.")
@click.option("--format", "output", help="csv, tsv, json, xml for SELECT and ASK (default tsv); ttl, nt, jsonld, "
              "rdf for CONSTRUCT and DESCRIBE (default ttl).")
@click.pass_context
def query(ctx, name, path, params, output):
    """Run a canned query NAME (see /queries), or any query with --file, on the build in use."""
    from publisher import queries
    from publisher import store as stores
    settings = _settings(ctx)
    try:
        built = stores.open_current(settings)
        if built is None:
            raise PublisherError("there is no build yet: run `samenleven build`")
        if bool(path) == bool(name):
            raise PublisherError("give either a canned query's NAME or --file, not both or neither")
        if path:
            if params:
                raise PublisherError(f"--param: a query from --file takes no parameters ({path})")
            text, bindings = path.read_text(encoding="utf-8"), {}
        else:
            canned = queries.load(settings["queries_dir"])
            if name not in canned:
                raise PublisherError(f"no canned query {name!r}; known: {', '.join(canned)}")
            given = _params(params, canned[name])
            text, bindings = canned[name].text, queries.bind(canned[name], given, built.graph, settings["base"])
        form = sparql.outline(text).form
        fmt = _cli_format(output, form)
        job = stores.Job(text, *formats.media_types(fmt), max_rows=sys.maxsize, bindings=bindings,
                         prefixes=PREFIXES)
        answer = built.graph.run(job)  # the local user's own query: no time limit
        if answer.error:
            raise PublisherError(answer.message or f"a {form} query has no {fmt.label} form")
        if fmt.name == "jsonld":  # compacted as the server's answers are, the context in full: no server here
            from publisher import context, selfdoc
            made = context.make(built.ontology, built.shapes, selfdoc.TERMS)
            answer.body = context.recompact(answer.body, made)
    except PublisherError as error:
        _fail(error)
    text = answer.body.decode()
    click.echo(text, nl=not text.endswith("\n"))


def _params(params, canned) -> dict:
    """Read --param NAME=VALUE pairs; a name the query does not take is an error naming those it takes (issue 12:
    an unknown name used to be ignored, and the query answered for its default)."""
    takes = [parameter.name for parameter in canned.parameters]
    given = {}
    for param in params:
        key, equals, value = param.partition("=")
        if not equals:
            raise PublisherError(f"--param {param!r}: write NAME=VALUE")
        if key not in takes:
            raise PublisherError(f"--param {key}: query {canned.name} takes "
                                 + (", ".join(takes) if takes else "no parameters"))
        given[key] = value
    return given


def _cli_format(name: str | None, form: str | None):
    offered = formats.for_form(form)
    fmt = formats.by_name(offered, name or ("ttl" if offered is formats.GRAPHS else "tsv"))
    if fmt is None:
        raise PublisherError(f"--format {name}: a {form} query is written as "
                             f"{', '.join(f.name for f in offered)}")
    return fmt


from publisher.moderation.commands import editor, proposals  # noqa: E402 (after main, which they join)

main.add_command(editor)
main.add_command(proposals)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=0, type=int,
              help="Serve with gunicorn and this many worker processes (production); 0: the development server.")
@click.pass_context
def serve(ctx, host, port, workers):
    """Serve the last build on http://HOST:PORT."""
    from publisher import queries
    from publisher import store as stores
    from publisher.app import create_app
    settings = _settings(ctx)
    try:
        if workers > 0:
            queries.load(settings["queries_dir"])  # bad front matter stops gunicorn here, with file and line
            stores.Holder(settings).close()  # and so does a build folder where no build opens, in one line
            from publisher.production import serve as production
            production(ctx.obj, host, port, workers, settings)
            return
        app = create_app(ctx.obj)
    except PublisherError as error:
        _fail(error)
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@main.group()
def deploy():
    """Print the configuration of the production set-up (see the README's "Deploying")."""


@deploy.command()
@click.option("--listen", default="80", show_default=True, help="nginx's public address: PORT or HOST:PORT.")
@click.option("--upstream", default=["127.0.0.1:8000"], show_default=True, multiple=True,
              help="Where `samenleven serve --workers N` listens; once per publisher server.")
@click.option("--server-name", default="_", show_default=True, help="The public host names (_: any).")
@click.option("--prefix", default="", help="A path the site lives under, such as /samenleven (default: /).")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep pid, logs, temporary files and cache here (default: Debian's places).")
@click.option("--user", default="www-data", show_default=True, help="nginx's workers' account ('' : none).")
@click.option("--connections", default=32, show_default=True, help="Requests at once per client address.")
@click.option("--query-rate", default=10, show_default=True, help="Queries a second per client address.")
@click.option("--query-burst", default=20, show_default=True, help="Queries beyond the rate, at once.")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Keep public answers in nginx.")
@click.pass_context
def nginx(ctx, **options):
    """Print nginx.conf for nginx in front of the server; run the server with SAMENLEVEN_PROXY_HOPS=1."""
    from publisher import proxy
    try:
        click.echo(proxy.configuration(proxy.Proxy(**options), _settings(ctx)), nl=False)
    except PublisherError as error:
        _fail(error)
