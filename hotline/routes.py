"""Every blueprint of the app: the /api/v1 ones (flask-smorest) and the pages and webhooks."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_smorest import Blueprint as ApiBlueprint

from hotline.auth.tokens import blp as auth_api
from hotline.catalogue.api import blp as categories_api
from hotline.core.extensions import api
from hotline.core.web.health import bp as health
from hotline.escalations.views import blp as escalations_api
from hotline.intake.open311.views import bp as open311
from hotline.intake.sms import bp as sms
from hotline.intake.voice import bp as voice
from hotline.intake.web import bp as web_form
from hotline.metrics.views import blp as metrics_api
from hotline.notify.api import blp as notices_api
from hotline.public.views import bp as public_site
from hotline.staff import pages
from hotline.staff.admin.status_views import bp as admin_status
from hotline.staff.admin.views import bp as admin
from hotline.staff.console.views import bp as console
from hotline.staff.dashboard.views import bp as dashboard
from hotline.staff.documents.views import bp as documents
from hotline.staff.notices.views import bp as inbox
from hotline.staff.signin import bp as signin
from hotline.staff.workbench.views import bp as workbench
from hotline.tickets.api import blp as tickets_api
from hotline.units.api import blp as units_api

# Registered under /api/v1, one per domain.
API_BLUEPRINTS: tuple[ApiBlueprint, ...] = (
    escalations_api,
    metrics_api,
    auth_api,
    tickets_api,
    units_api,
    categories_api,
    notices_api,
)
# Pages and webhooks: probes, channels (intake), staff pages, the public site.
BLUEPRINTS: tuple[Blueprint, ...] = (
    health,
    admin_status,
    sms,
    voice,
    web_form,
    open311,
    pages.bp,
    signin,
    console,
    workbench,
    dashboard,
    admin,
    documents,
    inbox,
    public_site,
)


def register_blueprints(app: Flask) -> None:
    """Register every blueprint on `app` (the API ones through the flask-smorest Api)."""
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
