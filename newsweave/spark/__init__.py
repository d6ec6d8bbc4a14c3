"""newsweave on Apache Spark (the ``spark`` extra): the main job past one machine.

:func:`~newsweave.spark.job.run_spark` runs read → clean → analyse → reprints → stories →
compare as Spark stages over the local path's own stage functions (:mod:`newsweave.spark.stages`)
and writes Parquet tables; :func:`~newsweave.spark.load.load_run` brings them into a store
(SQLite or PostgreSQL) for the CLI and the web app. Loading needs only pyarrow, not Spark.
"""

from __future__ import annotations

__all__ = ["spark_available"]


def spark_available() -> bool:
    """Whether pyspark can be imported (Java is checked when a session starts)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True
