"""The bare-stack bound: parse a ~500-byte JSON body, one Core INSERT, one RQ enqueue, 201.

Run under the same gunicorn settings as Hotline (`gunicorn "bench.bare:create_app()"`); it reads
BENCH_DATABASE_URL, BENCH_REDIS_URL and BENCH_QUEUE from the environment.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, jsonify, request
from redis import Redis
from rq import Queue

metadata = sa.MetaData()
complaints = sa.Table(
    "bare_complaints",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("phone", sa.String(20)),
    sa.Column("description", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)


def noop(*args: object) -> None:
    """The job the bare app enqueues (never run during the intake measurement)."""


def create_app() -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=4, max_overflow=4)
    queue = Queue(
        os.environ.get("BENCH_QUEUE", "bench-bare"),
        connection=Redis.from_url(os.environ["BENCH_REDIS_URL"]),
    )

    @app.post("/complaints")
    def create():
        body = request.get_json()
        complainant = body.get("complainant") or {}
        with engine.begin() as conn:
            new_id = conn.execute(
                complaints.insert()
                .values(
                    phone=complainant.get("phone"),
                    description=body.get("description"),
                    created_at=datetime.now(UTC),
                )
                .returning(complaints.c.id)
            ).scalar_one()
        queue.enqueue(noop, new_id)
        return jsonify(id=new_id), 201

    return app


def create_table(url: str) -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
