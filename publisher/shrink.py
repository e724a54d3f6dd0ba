"""The guard against a build that would take away much of what is published: refused unless it is meant.

An empty or half-copied ``graph/`` validates (nothing left to violate a shape), and once published its removals are
deletions in the change feed, which harvesters apply and keep for good (issue 10). So a build that would remove
more than ``max_shrink`` of the resources of a guarded kind (``kinds.toml``: practices, initiatives,
organisations) the previous build published is refused, listing what would disappear; ``samenleven build
--allow-shrink`` publishes it anyway. The first build is never refused: there is nothing to remove.
"""

from publisher.errors import PublisherError
from publisher.kinds import Registry

SHOWN = 5  # URIs listed per kind


class Shrinking(PublisherError):
    """A build that would remove too much: exit 1, with what would disappear."""

    exit_code = 1


def removed(previous: dict, record: dict, registry: Registry) -> dict[str, tuple[list[str], int]]:
    """Return, per guarded kind, the URIs the previous record had and ``record`` has not, and how many it had."""
    found = {kind.name: ([], 0) for kind in registry.where("guarded")}
    for uri, version in previous.get("resources", {}).items():
        # Records written before the record kept kinds: the kind from the URI's segment ({base}id/{type}/{key}).
        kind = version.get("kind") or getattr(registry.segment(uri), "name", None)
        if kind in found:
            gone, before = found[kind]
            if uri not in record["resources"]:
                gone.append(uri)
            found[kind] = (gone, before + 1)
    return found


def check(previous: dict, record: dict, max_shrink: float, registry: Registry) -> None:
    """Refuse a build that removes more than ``max_shrink`` (a share, 0 to 1) of any guarded kind.

    :raises Shrinking: listing the count and some URIs of each kind that would disappear.
    """
    found = removed(previous, record, registry)
    over = [kind for kind, (gone, before) in found.items() if before and len(gone) / before > max_shrink]
    if not over:
        return
    lines = [f"refused: this build would remove more than max_shrink={max_shrink:g} ({max_shrink:.0%}) of the "
             f"{', '.join(over)} published now (an empty or half-copied graph folder?); nothing was published:"]
    for kind, (gone, before) in found.items():
        if gone:
            more = f" and {len(gone) - SHOWN} more" if len(gone) > SHOWN else ""
            lines.append(f"  {kind}: {len(gone)} of {before} ({len(gone) / before:.0%}) would disappear, e.g. "
                         + ", ".join(sorted(gone)[:SHOWN]) + more)
    lines.append("If this is meant, run `samenleven build --allow-shrink` (or raise SAMENLEVEN_MAX_SHRINK).")
    raise Shrinking("\n".join(lines))

