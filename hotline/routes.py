"""Every blueprint of the app: the /api/v1 ones (flask-smorest) and the pages and webhooks."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_smorest import Blueprint as ApiBlueprint

from hotline.auth.tokens import blp as auth_api
from hotline.calls.api import blp as voice_api
from hotline.calls.callbacks_api import blp as callbacks_api
from hotline.campaign.assessment.api import blp as assessments_api
from hotline.campaign.commitments.api import blp as commitments_api
from hotline.campaign.inspections.api import blp as inspections_api
from hotline.campaign.lists.api import blp as negative_lists_api
from hotline.campaign.supervisors.api import blp as supervisors_api
from hotline.catalogue.api import blp as categories_api
from hotline.core.extensions import api
from hotline.core.web.health import bp as health
from hotline.escalations.views import blp as escalations_api
from hotline.intake.open311.views import bp as open311
from hotline.intake.sms import bp as sms
from hotline.intake.supervise import bp as supervise
from hotline.intake.voice import bp as voice
from hotline.intake.voice_desk import bp as voice_desk
from hotline.intake.web import bp as web_form
from hotline.knowledge.api import blp as knowledge_api
from hotline.metrics.hotspots_api import blp as hotspots_api
from hotline.metrics.views import blp as metrics_api
from hotline.notify.api import blp as notices_api
from hotline.public.views import bp as public_site
from hotline.staff import pages
from hotline.staff.access import keep_out_filers
from hotline.staff.admin.status_views import bp as admin_status
from hotline.staff.admin.supervisors import bp as admin_supervisors
from hotline.staff.admin.views import bp as admin
from hotline.staff.assessment.views import bp as assessment_pages
from hotline.staff.console.calls_views import bp as console_calls
from hotline.staff.console.missed import bp as missed_calls
from hotline.staff.console.phone import bp as console_phone
from hotline.staff.console.views import bp as console
from hotline.staff.dashboard.campaign_views import bp as dashboard_campaign
from hotline.staff.dashboard.hotspot_views import bp as hotspot_pages
from hotline.staff.dashboard.inspection_views import bp as dashboard_inspections
from hotline.staff.dashboard.views import bp as dashboard
from hotline.staff.documents.views import bp as documents
from hotline.staff.knowledge.views import bp as knowledge_pages
from hotline.staff.notices.views import bp as inbox
from hotline.staff.signin import bp as signin
from hotline.staff.workbench.campaign_views import bp as workbench_campaign
from hotline.staff.workbench.finding_views import bp as workbench_findings
from hotline.staff.workbench.views import bp as workbench
from hotline.tickets.api import blp as tickets_api
from hotline.units.api import blp as units_api

# Registered under /api/v1, one per domain.
API_BLUEPRINTS: tuple[ApiBlueprint, ...] = (
    escalations_api,
    metrics_api,
    hotspots_api,
    auth_api,
    tickets_api,
    units_api,
    categories_api,
    notices_api,
    assessments_api,
    inspections_api,
    negative_lists_api,
    commitments_api,
    supervisors_api,
    callbacks_api,
    voice_api,
    knowledge_api,
)
# Pages and webhooks: probes, channels (intake), staff pages, the public site.
BLUEPRINTS: tuple[Blueprint, ...] = (
    health,
    admin_status,
    sms,
    voice,
    voice_desk,
    web_form,
    open311,
    pages.bp,
    signin,
    console,
    console_phone,
    missed_calls,
    console_calls,
    workbench,
    workbench_campaign,
    dashboard,
    dashboard_campaign,
    hotspot_pages,
    admin,
    documents,
    inbox,
    assessment_pages,
    dashboard_inspections,
    workbench_findings,
    supervise,
    admin_supervisors,
    knowledge_pages,
    public_site,
)


def register_blueprints(app: Flask) -> None:
    """Register every blueprint on `app` (the API ones through the flask-smorest Api)."""
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.before_request(keep_out_filers)  # special supervisors see no staff page
