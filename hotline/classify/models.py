"""Trained text models: one row per training run, the newest active one used by every worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, LargeBinary, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.dbtypes import UTCDateTime
from hotline.core.extensions import db


class ClassifierModel(db.Model):
    __tablename__ = "classifier_models"
    __table_args__ = (
        # Workers look up the newest active model every few seconds.
        Index(
            "ix_classifier_models_active",
            "id",
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    n_samples: Mapped[int]
    # Accuracy on the held-out split (None when too few samples to hold any out).
    holdout_accuracy: Mapped[float | None] = mapped_column(Float)
    # The category codes the model chooses among, in the classifier's order.
    labels: Mapped[list] = mapped_column(JSON)
    # Per-category precision/recall/support on the held-out split, as the CLI reports it.
    report: Mapped[dict | None] = mapped_column(JSON)
    # The fitted scikit-learn pipeline, pickled by joblib. Written only by `flask classify
    # train` and the retrain job: the database is as trusted as the code that unpickles it.
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=False)
