"""The public side of contributions (issue 15): the form made from the shapes, a submission read as a graph,
validated with the build's shapes, its photo cleaned, and queued as a proposal.

``fields`` reads the form from the shapes; ``record`` turns the form's values into the proposal's graph and a
build's practice back into values; ``submission`` reads a JSON-LD or Turtle submission; ``checks`` validates a
proposal and puts each message next to its field; ``photos`` re-encodes a photo; ``naming`` mints IRIs that nothing
uses yet; ``guard`` holds the honeypot and the minimum fill time. It reads a build through ``publisher.store`` and hands proposals to
``publisher.moderation.queue``; nothing in the build imports it.
"""
