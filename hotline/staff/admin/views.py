"""Admin pages: lists with server-side paging and the forms that edit the configuration."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hotline.auth.models import User
from hotline.catalogue import service as catalogue
from hotline.catalogue.models import Category, RoutingRule
from hotline.catalogue.tree import MAX_DEPTH
from hotline.core import uow
from hotline.core.actor import Role
from hotline.core.clock import to_local, utcnow
from hotline.core.errors import HotlineError, ValidationFailed
from hotline.core.timebounds import OUT_OF_RANGE, year_in_range
from hotline.sla.models import SlaPolicy
from hotline.staff.access import current_actor, role_required
from hotline.staff.admin import queries, service
from hotline.staff.pages.ui import page_args, paginate, run_action
from hotline.tickets.models import Kind
from hotline.units.models import Unit
from hotline.units.service import all_units

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = (Role.admin,)


@bp.route("")
@role_required(*ADMIN)
def index() -> str:
    return render_template(
        "admin/index.html", counts=queries.counts(), warnings=queries.calendar_warnings()
    )


def _edit(model: type) -> object | None:
    return queries.row(model, request.args.get("edit", type=int))


@bp.route("/units", methods=["GET", "POST"])
@role_required(*ADMIN)
def units() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.save_unit(
                actor=current_actor(), unit_id=request.form.get("id", type=int), values=request.form
            ),
            success=_("已保存。"),
            default_next=url_for("admin.units"),
        )
    page, per_page = page_args(50)
    return render_template(
        "admin/units.html",
        page=paginate(queries.units(), page=page, per_page=per_page),
        edit=_edit(Unit),
    )


@bp.route("/users", methods=["GET", "POST"])
@role_required(*ADMIN)
def users() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.add_user(actor=current_actor(), values=request.form),
            success=_("已创建用户。"),
            default_next=url_for("admin.users"),
        )
    page, per_page = page_args(50)
    return render_template(
        "admin/users.html",
        page=paginate(queries.users(request.args.get("q")), page=page, per_page=per_page),
        edit=_edit(User),
        units=all_units(),
        roles=[r.value for r in Role],
    )


@bp.route("/users/<int:user_id>", methods=["POST"])
@role_required(*ADMIN)
def user_update(user_id: int) -> Response:
    form = request.form
    return run_action(
        lambda: service.update_user(
            actor=current_actor(),
            user_id=user_id,
            role=form.get("role", ""),
            unit=form.get("unit") or None,
            active=bool(form.get("active")),
            display_name=form.get("display_name"),
        ),
        success=_("已保存。"),
        default_next=url_for("admin.users"),
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required(*ADMIN)
def user_password(user_id: int) -> Response:
    return run_action(
        lambda: service.reset_password(
            actor=current_actor(), user_id=user_id, password=request.form.get("password", "")
        ),
        success=_("密码已重置。"),
        default_next=url_for("admin.users"),
    )


@bp.route("/categories", methods=["GET", "POST"])
@role_required(*ADMIN)
def categories() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.save_category(
                actor=current_actor(),
                category_id=request.form.get("id", type=int),
                values=request.form,
            ),
            success=_("已保存。"),
            default_next=url_for("admin.categories"),
        )
    nodes = catalogue.in_tree_order()
    return render_template(
        "admin/categories.html",
        nodes=nodes,
        # A group (at most MAX_DEPTH - 1 deep) can take members: the parent picker.
        parents=[(c, depth) for c, depth, _group in nodes if depth < MAX_DEPTH],
        edit=_edit(Category),
        units=all_units(),
        kinds=[k.value for k in Kind],
    )


@bp.route("/rules", methods=["GET", "POST"])
@role_required(*ADMIN)
def rules() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.save_rule(
                actor=current_actor(), rule_id=request.form.get("id", type=int), values=request.form
            ),
            success=_("已保存。"),
            default_next=url_for("admin.rules"),
        )
    page, per_page = page_args(50)
    return render_template(
        "admin/rules.html",
        page=paginate(queries.rules(), page=page, per_page=per_page),
        edit=_edit(RoutingRule),
        units=all_units(),
        categories=queries.all_categories(),
    )


@bp.route("/policies", methods=["GET", "POST"])
@role_required(*ADMIN)
def policies() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.save_policy(
                actor=current_actor(),
                policy_id=request.form.get("id", type=int),
                values=request.form,
            ),
            success=_("已保存，未办结工单的时限将在后台重新计算。"),
            default_next=url_for("admin.policies"),
        )
    page, per_page = page_args(50)
    categories = queries.all_categories()
    return render_template(
        "admin/policies.html",
        page=paginate(queries.policies(), page=page, per_page=per_page),
        edit=_edit(SlaPolicy),
        categories=categories,
        category_codes={c.id: c.code for c in categories},
        kinds=[k.value for k in Kind],
    )


@bp.route("/calendar", methods=["GET", "POST"])
@role_required(*ADMIN)
def calendar() -> str | Response:
    if request.method == "POST":
        return run_action(
            lambda: service.set_calendar_day(
                actor=current_actor(),
                day=request.form.get("day", ""),
                is_workday=request.form.get("type") == "workday",
                name=request.form.get("name"),
            ),
            success=_("已保存，未办结工单的时限将在后台重新计算。"),
            default_next=url_for("admin.calendar"),
        )
    page, per_page = page_args(50)
    year = request.args.get("year", type=int) or to_local(utcnow()).year
    if not year_in_range(year):
        raise ValidationFailed(f"year {OUT_OF_RANGE}", fields={"year": [OUT_OF_RANGE]})
    return render_template(
        "admin/calendar.html",
        page=paginate(queries.calendar(year), page=page, per_page=per_page),
        year=year,
        warnings=queries.calendar_warnings(),
    )


@bp.route("/api-keys", methods=["GET", "POST"])
@role_required(*ADMIN)
def api_keys() -> str | Response:
    new_key = None
    if request.method == "POST":
        try:
            _row, new_key = service.create_api_key(
                actor=current_actor(), name=request.form.get("name", "")
            )
        except HotlineError as exc:
            uow.rollback()  # the page below still answers 200: nothing of the refusal is kept
            flash(exc.message, "error")
    page, per_page = page_args(50)
    return render_template(
        "admin/api_keys.html",
        page=paginate(queries.api_keys(), page=page, per_page=per_page),
        new_key=new_key,
    )


@bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
@role_required(*ADMIN)
def api_key_revoke(key_id: int) -> Response:
    return run_action(
        lambda: service.revoke_api_key(actor=current_actor(), key_id=key_id),
        success=_("已停用。"),
        default_next=url_for("admin.api_keys"),
    )
