"""The HTTP API: every Repository operation over HTTP, for the TUI and scripts that
run with ``--api``. Each request authenticates its bearer token and gets a fresh
SQL Repository acting for that user, so every rule and right is checked server-side
and the server keeps no state of its own beyond the database.

Routes (reads are GET with query parameters, writes carry a JSON body, versions travel
in the body; lists page with ``offset``/``limit``, limit at most 500). Each Repository
method has exactly one route:

    GET    /health                                   (no token) the database answers
    POST   /auth/token                               (no token) password -> new token
    GET    /me                                       whoami
    GET    /contracts                                contracts
    GET    /companies?country=&name=&...             search_companies
    GET    /companies/{company_id}                   get_company
    POST   /companies                                create_company
    PUT    /companies/{company_id}/favourite         set_favourite
    PUT    /companies/{company_id}/dra               set_company_dra
    GET    /contracts/{cid}/portfolio?text=&...      portfolio
    PATCH  /portfolio-entries/{entry_id}             update_portfolio_entry
    GET    /contracts/{cid}/companies/{company_id}   company_detail
    GET    /contracts/{cid}/companies/{id}/products  company_products
    GET    /contracts/{cid}/companies/{id}/new-action  new_action_menu
    GET    /contracts/{cid}/pending-requests         pending_requests
    GET    /contracts/{cid}/ending-guarantees        ending_guarantees
    POST   /contracts/{cid}/end-alerts               raise_end_alerts
    GET    /contracts/{cid}/wap                      wap
    POST   /products                                 request_product
    GET    /products/{product_id}/history            product_history
    POST   /products/{product_id}/modify             modify_product
    POST   /products/{product_id}/transform          transform_product
    POST   /products/{product_id}/renew              renew_product
    POST   /products/{product_id}/cancel-request     cancel_request
    POST   /products/{product_id}/delete             delete_product
    POST   /products/{product_id}/stop-monitoring    stop_monitoring
    POST   /products/{product_id}/quote-answer       answer_topliner_quote
    POST   /products/{product_id}/decision           decide_request
    GET    /underwriter/queue?code=&...              underwriter_queue
    GET    /notifications?contract_id=&read=&...     notifications
    GET    /notifications/unread-count               unread_count
    POST   /notifications/mark                       mark_notifications
    POST   /notifications/delete                     delete_notifications
    POST   /claims                                   submit_claim
    GET    /contracts/{cid}/claims                   claims
    GET    /contracts/{cid}/claims-portfolio?text=   claims_portfolio
    GET    /claims/{claim_id}                        claim_detail
    POST   /claims/{claim_id}/declarations           add_declaration
    POST   /claims/{claim_id}/documents?filename=&category=  add_document (raw body)
    POST   /claims/{claim_id}/line-validation        validate_claim_lines
    POST   /claims/{claim_id}/status                 set_claim_status
    PUT    /claims/{claim_id}/indemnity              set_indemnity
    GET    /contracts/{cid}/extensions?company_id=   extensions
    POST   /extensions                               request_extension
    POST   /extensions/{extension_id}/cancel         cancel_extension
    PUT    /extensions/{extension_id}/plan           modify_extension
    POST   /extensions/{extension_id}/decision       decide_extension
    GET    /drafts?kind=                             list_drafts
    GET    /drafts/draft?kind=&key=                  load_draft
    PUT    /drafts/draft?kind=&key=                  save_draft
    DELETE /drafts/draft?kind=&key=                  delete_draft
    GET    /audit                                    audit_log
    /jobs, /imports, /mail/…                         repo.jobs, repo.imports, repo.mail
                                                     (listed in api/routes/jobs.py)
    /contracts/{cid}/bulk-imports, /bulk-imports/…   repo.bulk (listed in api/routes/bulk.py)
    /export-columns, /export-templates, /export-scenarios, /exports/…
                                                     repo.exports (listed in api/routes/exports.py)
    /contracts/{cid}/custom-fields/…                 repo.custom_fields
                                                     (listed in api/routes/custom_fields.py)
    /ilus, /contracts/{cid}/ilus, /underwriter/ilus  repo.ilus (listed in api/routes/ilus.py)
    /contracts/{cid}/documents, /documents/{id}/content
                                                     repo.documents (api/routes/documents.py)
    /company-information/…, /contracts/{cid}/company-information,
    /underwriter/company-information                 repo.company_info (api/routes/company_info.py)
    /turnover-declarations/…, /contracts/{cid}/turnover-declarations,
    /underwriter/turnover-declarations               repo.turnover (api/routes/turnover.py)
    /chorus/structures/…, /chorus/attachments/…, /chorus/account/…
                                                     repo.chorus_directory
                                                     (api/routes/chorus_directory.py)
    /chorus/invoices/…, /chorus/dashboard, /chorus/anomalies, /chorus/returns
                                                     repo.chorus_invoices
                                                     (api/routes/chorus_invoices.py)
    /chorus/invoices/{id}/facturx|cii|pdf, /chorus/facturx-exports, /chorus/facturx-imports
                                                     repo.chorus_facturx
                                                     (api/routes/chorus_facturx.py)
    /chorus/structures/{id}/connector…, /chorus/invoices/{id}/send|refresh
                                                     repo.chorus_connector
                                                     (api/routes/chorus_connector.py)
    /books/…, /financial-years/…, /account-overrides, /ledger/…
                                                     repo.books, repo.ledger
                                                     (api/routes/accounting.py)
    /premium-…, /contracts/{cid}/premium-…, /services-billings
                                                     repo.premiums
                                                     (api/routes/accounting_premiums.py)
    /covers/…, /cover-…, /claims/{claim_id}/accounting…
                                                     repo.covers, repo.claim_accounting
                                                     (api/routes/accounting_covers.py)

Filters are query parameters rather than a POST body so that every read is a plain,
cacheable, safely retried GET; each filter model is flat (lists repeat the parameter).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from cofatui import __version__
from cofatui.api import operations, uploads
from cofatui.api.errors import install_error_handlers
from cofatui.api.fast_lists import FastLists
from cofatui.api.limits import LoginLimits
from cofatui.api.limits import install as install_login_gate
from cofatui.api.middleware import (
    BODY_LIMITS,
    MAX_BODY_BYTES,
    AccessLog,
    BodyLimit,
    MediaTypeGate,
    TokenFirst,
    verified,
)
from cofatui.api.routes import (
    accounting,
    accounting_covers,
    accounting_premiums,
    audit,
    bulk,
    chorus_connector,
    chorus_directory,
    chorus_facturx,
    chorus_invoices,
    claims,
    companies,
    company_info,
    custom_fields,
    documents,
    drafts,
    exports,
    extensions,
    health,
    identity,
    ilus,
    jobs,
    notifications,
    portfolio,
    products,
    turnover,
    underwriter,
)
from cofatui.api.routes.common import ERROR_RESPONSES
from cofatui.clock import Clock, SystemClock

ROUTERS = (identity, companies, portfolio, products, underwriter, notifications, claims,
           company_info,
           extensions, drafts, audit, jobs, bulk, exports, custom_fields, ilus, documents,
           turnover, chorus_directory, chorus_invoices, chorus_facturx, chorus_connector,
           accounting, accounting_premiums, accounting_covers)


def _operation_id(route: APIRoute) -> str:
    return route.name


def request_threads(engine: Engine) -> int | None:
    """Worker threads for the list pages answered by FastLists at once: as many as the
    engine pools connections (None: no limit of their own, for an engine without a
    sized pool). More only open and close an overflow connection at every page (a
    SQLite connection parses the schema again) and share the GIL more ways, for no
    more throughput: a page is CPU-bound in the process. The other routes keep anyio's
    default, so that requests holding a thread for their body (uploads, slow clients)
    cannot hold up the lists, nor the lists them."""
    size = getattr(engine.pool, "size", None)
    return int(size()) if callable(size) else None


def create_app(engine: Engine, *, clock: Clock | None = None,
               max_body_bytes: int = MAX_BODY_BYTES,
               login_limits: LoginLimits | None = None) -> FastAPI:
    app = FastAPI(
        title="cofatui API", version=__version__,
        description="Trade-credit insurance back-office: the cofatui Repository over HTTP. "
                    "Authenticate with `Authorization: Bearer <personal token>`. Errors are "
                    '`{"error": code, "message": text, "fields": [...]}`.',
        docs_url=None, redoc_url=None,
        # operationId = the endpoint's name = the Repository method it exposes
        # (``area.method`` for the areas: jobs.queue, imports.run, mail.messages...).
        generate_unique_id_function=_operation_id)
    app.state.engine = engine
    app.state.clock = clock or SystemClock()
    install_error_handlers(app)
    install_login_gate(app, login_limits)
    # The error body is the 422 everywhere (FastAPI would document its own); the other
    # refusals are documented per operation by operations.install.
    app.include_router(health.router, responses={503: ERROR_RESPONSES[503]})
    for module in ROUTERS:
        app.include_router(module.router, responses={422: ERROR_RESPONSES[422]})
    operations.install(app)
    uploads.return_large_blocks()
    # Added last = outermost: the access log sees the 401s and 413s of the others too;
    # the token is checked, then the body's framing (a bad or too large Content-Length:
    # 400, 413), then its media type (415), before any of the body is let through.
    app.add_middleware(MediaTypeGate)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes, by_path=BODY_LIMITS)
    app.add_middleware(TokenFirst)
    # The hot list pages in one worker-thread call, before the router (issue 21 item
    # 5); whatever they cannot answer with a 200 goes on to TokenFirst and the route.
    app.add_middleware(FastLists, verify=verified, threads=request_threads(engine))
    app.add_middleware(AccessLog)
    return app
