"""Training from the centre's own tickets: what counts as labelled, `flask classify train`, the
scheduled retrain, and the routing job on a real worker using what was trained."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hotline.classify.models import ClassifierModel
from hotline.core.actor import Actor
from hotline.core.extensions import db
from hotline.tickets import transitions
from hotline.tickets.classification import labelled_samples, retrain_if_due
from hotline.tickets.events import record_event
from hotline.tickets.models import Ticket, TicketEvent
from tests.classify.helpers import categories, small_set
from tests.factories import OPERATOR, SUPERVISOR, CategoryFactory, new_ticket


def _file_labelled(per_category: int = 12) -> None:
    found = categories()
    for text, code in small_set(per_category):
        new_ticket(category=found[code], description=text)


def test_classified_tickets_are_samples_and_corrections_count_with_their_new_label(
    session, clock
) -> None:
    found = categories()
    filed = new_ticket(category=found["noise"], description="楼下酒吧半夜太吵")
    # The model guessed wrong; an operator corrected it (the taxonomy lane's `classified`).
    corrected = new_ticket(description="饭店吃完拉肚子")
    record_event(
        corrected,
        "auto_classified",
        Actor.system("classifier"),
        now=clock.now,
        data={"category": "noise", "confidence": 0.7, "source": "model", "suggestions": []},
    )
    corrected.category_id = found["food_safety"].id
    record_event(
        corrected,
        "classified",
        OPERATOR,
        now=clock.now,
        data={"from": "noise", "to": "food_safety", "kind_from": None, "kind_to": None},
    )
    # Only the model ever said so: not a truth to learn from.
    guessed = new_ticket(description="工资拖欠三个月")
    guessed.category_id = found["wage_arrears"].id
    record_event(
        guessed,
        "auto_classified",
        Actor.system("classifier"),
        now=clock.now,
        data={"category": "wage_arrears", "confidence": 0.9, "source": "model"},
    )
    # Keywords are the catalogue's own rules: a person wrote them, so they count.
    by_rules = new_ticket(description="工地噪音")
    by_rules.category_id = found["noise"].id
    record_event(
        by_rules,
        "auto_classified",
        Actor.system("classifier"),
        now=clock.now,
        data={"category": "noise", "confidence": 1.0, "source": "rules"},
    )
    merged = new_ticket(category=found["noise"], description="重复的投诉")
    transitions.merge(merged, actor=SUPERVISOR, into=filed.number)
    db.session.flush()

    samples = set(labelled_samples())

    assert ("楼下酒吧半夜太吵", "noise") in samples
    assert ("饭店吃完拉肚子", "food_safety") in samples
    assert ("工地噪音", "noise") in samples
    assert not any(text == "工资拖欠三个月" for text, _ in samples)
    assert not any(text == "重复的投诉" for text, _ in samples)


def test_the_cli_trains_reports_and_activates_with_enough_samples(session, runner) -> None:
    _file_labelled()

    result = runner.invoke(args=["classify", "train", "--holdout", "0.25", "--min-samples", "30"])

    assert result.exit_code == 0, result.output
    assert "36 labelled tickets" in result.output
    assert "held-out accuracy: " in result.output
    assert "noise" in result.output
    assert "precision" in result.output
    assert "activated" in result.output
    row = db.session.scalar(select(ClassifierModel).order_by(ClassifierModel.id.desc()))
    assert row.active is True
    assert row.n_samples == 36
    assert sorted(row.labels) == ["food_safety", "noise", "wage_arrears"]
    assert row.holdout_accuracy is not None


def test_the_cli_keeps_but_does_not_activate_a_model_from_too_few_samples(session, runner) -> None:
    _file_labelled(per_category=4)

    result = runner.invoke(args=["classify", "train"])  # CLASSIFY_MIN_SAMPLES = 200

    assert result.exit_code == 0, result.output
    assert "not activated" in result.output
    assert db.session.scalar(select(func.count()).where(ClassifierModel.active.is_(True))) == 0


def test_the_cli_refuses_cleanly_when_there_is_nothing_to_learn(session, runner) -> None:
    noise = CategoryFactory(code="noise")
    new_ticket(category=noise, description="楼下太吵")  # one category: nothing to tell apart

    result = runner.invoke(args=["classify", "train"])

    assert result.exit_code != 0
    assert "nothing to train on" in result.output
    assert "Traceback" not in result.output


def test_the_cli_refuses_a_holdout_out_of_range(session, runner) -> None:
    result = runner.invoke(args=["classify", "train", "--holdout", "7"])
    assert result.exit_code == 2
    assert "--holdout" in result.output


def test_the_scheduled_retrain_trains_once_the_model_is_old_enough(session, app, clock) -> None:
    _file_labelled()
    app.config["CLASSIFY_MIN_SAMPLES"], saved = 30, app.config["CLASSIFY_MIN_SAMPLES"]
    try:
        first = retrain_if_due()
        assert first is not None
        assert first.activated is True
        clock.now += timedelta(hours=23)
        assert retrain_if_due() is None  # the active model is less than a day old
        clock.now += timedelta(hours=2)
        assert retrain_if_due().model_id > first.model_id
    finally:
        app.config["CLASSIFY_MIN_SAMPLES"] = saved


def test_the_routing_job_on_a_worker_classifies_with_the_trained_model(
    session, runner, queues, burst
) -> None:
    _file_labelled()
    assert runner.invoke(args=["classify", "train", "--min-samples", "30"]).exit_code == 0
    session.commit()
    number = new_ticket(description="工地晚上施工，吵得睡不着觉", channel="sms").number
    session.commit()

    assert burst() is True

    ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
    assert ticket.status == "dispatched"
    assert ticket.category.code == "noise"
    event = db.session.scalar(
        select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.type == "auto_classified"
        )
    )
    assert event.data["source"] == "model"
