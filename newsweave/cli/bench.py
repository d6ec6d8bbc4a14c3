"""newsweave CLI commands: ``bench …`` (each benchmark module registers itself on ``bench_app``)."""

from newsweave.bench import reprints, stories  # noqa: F401
