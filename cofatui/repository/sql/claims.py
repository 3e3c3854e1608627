"""``repo.claims`` on SQL, made of its parts: declaring a claim and the claims list
(``claim_submission``), a registered claim's follow-up and the handler's commands
(``claim_follow_up``) and the handler's queue (``claims_queue``)."""

from __future__ import annotations

from cofatui.repository.sql.claim_follow_up import ClaimFollowUp
from cofatui.repository.sql.claim_submission import ClaimSubmission
from cofatui.repository.sql.claims_queue import ClaimsQueue


class SqlClaims(ClaimSubmission, ClaimFollowUp, ClaimsQueue):
    """``repo.claims`` on SQL."""
