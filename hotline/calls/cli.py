"""`flask voice simulate`: a caller arriving at a running app, through signed Twilio webhooks."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hotline.auth.models import User
from hotline.calls import simulate
from hotline.core.extensions import db

# How the command posts; tests replace it with one that posts to the test client.
POST: simulate.Poster = simulate.http_post


@click.group("voice")
def voice_cli() -> None:
    """The phone line."""


def _operator(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="--answer-by")
    return user


@voice_cli.command("simulate")
@click.option("--url", default=None, help="The running app's base URL (default PUBLIC_BASE_URL).")
@click.option("--from", "caller", default="+8613800138000", show_default=True)
@click.option("--answer-by", default=None, metavar="USERNAME", help="An operator takes the call.")
@click.option("--abandon", is_flag=True, help="The caller hangs up while waiting.")
@click.option("--speech", default=None, metavar="TEXT", help="Nobody answers; a spoken message.")
@click.option(
    "--wait",
    type=click.IntRange(0, 3600),
    default=8,
    show_default=True,
    help="Seconds in the queue (Twilio's QueueTime).",
)
@click.option(
    "--talk",
    type=click.IntRange(0, 3600),
    default=0,
    show_default=True,
    help="Seconds on the line after the answer before hanging up.",
)
@click.option("--hold", is_flag=True, help="With --answer-by: leave the call connected.")
@with_appcontext
def simulate_command(
    url: str | None,
    caller: str,
    answer_by: str | None,
    abandon: bool,
    speech: str | None,
    wait: int,
    talk: int,
    hold: bool,
) -> None:
    """Post the webhooks Twilio would send for one call, signed with TWILIO_AUTH_TOKEN, to a
    running app; without --answer-by, --abandon or --speech the caller stays in the queue."""
    if sum(bool(x) for x in (answer_by, abandon, speech)) > 1:
        raise click.UsageError("choose one of --answer-by, --abandon, --speech")
    cfg = current_app.config
    if not cfg["TWILIO_AUTH_TOKEN"]:
        raise click.ClickException("TWILIO_AUTH_TOKEN is not set: the app would refuse (503)")
    operator = _operator(answer_by) if answer_by else None
    sim = simulate.Simulation(
        base_url=url or cfg["PUBLIC_BASE_URL"],
        public_url=cfg["PUBLIC_BASE_URL"],
        auth_token=cfg["TWILIO_AUTH_TOKEN"],
        account_sid=cfg["TWILIO_ACCOUNT_SID"],
        number=cfg["TWILIO_FROM_NUMBER"],
        post=POST,
        echo=click.echo,
    )
    try:
        _run(
            sim,
            caller=caller,
            operator=operator,
            abandon=abandon,
            speech=speech,
            wait=wait,
            talk=talk,
            hold=hold,
        )
    except simulate.SimulationFailed as exc:
        raise click.ClickException(str(exc)) from exc
    for line in sim.said:
        click.echo(f"  caller heard: {line}")


def _run(
    sim: simulate.Simulation,
    *,
    caller: str,
    operator: User | None,
    abandon: bool,
    speech: str | None,
    wait: int,
    talk: int,
    hold: bool,
) -> None:
    call_sid, queued = sim.arrive(caller=caller)
    greeting = simulate.GREETING_SECONDS
    if not queued:  # out of hours: straight to the message
        if speech:
            sim.speak(call_sid=call_sid, caller=caller, words=speech)
        sim.end(call_sid=call_sid, caller=caller, duration=greeting)
        return
    if operator is not None:
        leg = sim.answer(
            call_sid=call_sid,
            caller=caller,
            operator_id=operator.id,
            label=operator.username,
            wait=wait,
        )
        if hold:
            click.echo(f"left connected: {operator.username} is on the call")
            return
        time.sleep(talk)  # a demo's conversation; none by default
        sim.leave_queue(call_sid=call_sid, caller=caller, result="bridged", wait=wait)
        sim.end(call_sid=call_sid, caller=caller, duration=greeting + wait + talk)
        sim.end_leg(leg=leg, operator_id=operator.id, duration=talk)
    elif abandon:
        sim.leave_queue(call_sid=call_sid, caller=caller, result="hangup", wait=wait)
        sim.end(call_sid=call_sid, caller=caller, duration=greeting + wait)
    elif speech:
        sim.leave_queue(call_sid=call_sid, caller=caller, result="leave", wait=wait)
        sim.speak(call_sid=call_sid, caller=caller, words=speech)
        sim.end(call_sid=call_sid, caller=caller, duration=greeting + wait + 30)
    else:
        click.echo("the caller stays in the queue: see /console/calls")
