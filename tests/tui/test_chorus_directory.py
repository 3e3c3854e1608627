"""The Chorus Pro directory and manager screens as their users use them (issue 18
acceptance "Pilot: attachment approval; empty comment refused"): a new user finds the
public structure in the directory, asks to be attached (refused without its comment,
then sent); its main manager refuses nothing without a comment and approves it with the
received space; the secondary manager, deciding the same request afterwards, is told
it was decided already."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from cofatui.enums import ChorusAttachmentStatus, ChorusSpace
from cofatui.tui.features.chorus_directory.attachment import AttachmentRequestDialog
from cofatui.tui.features.chorus_directory.decisions import DecisionDialog
from cofatui.tui.features.chorus_directory.directory import DirectoryScreen
from cofatui.tui.features.chorus_directory.managers import ManagerActivitiesScreen
from cofatui.tui.features.chorus_directory.structure_form import StructureDialog
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.virtual_list import VirtualList
from tests.contract import chorus_dataset as cd
from tests.tui.pilot import settle, toasts, type_into, wait_until
from tests.tui.products_env import SIZE, Env, make_env, screen_text


def error_of(pilot: Pilot[Any], name: str) -> str:
    return str(pilot.app.screen.query_one(f"#{name}-error").render())


async def request_attachment(env: Env) -> None:
    app = env.app(cd.NEW_USER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(DirectoryScreen())
        await wait_until(pilot, lambda: isinstance(app.screen, DirectoryScreen),
                         what="the directory")
        await settle(pilot)
        await type_into(pilot, "#dir-search", cd.SIRET[cd.PA])
        directory = app.screen
        await wait_until(pilot, lambda: directory.query_one(VirtualList).cursor_row
                         is not None, what="the structure found")
        await settle(pilot)
        # Its parameters and services beside the list.
        assert "Service code required" in screen_text(app)
        assert cd.SERVICE_ACTIVE in screen_text(app)
        directory.query_one(VirtualList).focus()
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentRequestDialog),
                         what="the request dialog")
        await settle(pilot)
        text = screen_text(app)
        assert cd.NAME[cd.PA] in text and "Public" in text  # the structure
        assert "22/11/2026" in app.screen.query_one("#valid_from", Input).value  # today
        # The comment is mandatory: refused at its field, nothing sent.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "comment is required" in error_of(pilot, "comment")
        assert env.app(cd.NEW_USER).repo.chorus_directory.my_attachments() == []
        await type_into(pilot, "#comment", "Comptable de la mairie")
        assert "22/255" in screen_text(app)  # the counter
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DirectoryScreen),
                         what="the request sent")
        assert "sent to its managers" in toasts(app)


async def test_an_attachment_request_is_refused_without_comment_then_approved(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    await request_attachment(env)
    [pending] = env.app(cd.NEW_USER).repo.chorus_directory.my_attachments()
    assert pending.status is ChorusAttachmentStatus.PENDING

    app = env.app(cd.PA_USER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ManagerActivitiesScreen(env.ids[cd.PA]))
        await wait_until(pilot, lambda: isinstance(app.screen, ManagerActivitiesScreen),
                         what="the manager activities")
        await settle(pilot)
        screen = app.screen
        pending_list = screen.query_one("#pending-list", VirtualList)
        await wait_until(pilot, lambda: pending_list.cursor_row is not None,
                         what="the pending request")
        pending_list.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DecisionDialog),
                         what="the decision dialog")
        await settle(pilot)
        assert "Comptable de la mairie" in screen_text(app)
        # Refusing needs a comment: refused at its field, nothing decided.
        await pilot.click("#refuse")
        await settle(pilot)
        assert "comment is required" in error_of(pilot, "comment")
        assert env.app(cd.NEW_USER).repo.chorus_directory.my_attachments()[0].status \
            is ChorusAttachmentStatus.PENDING
        await pilot.click("#approve")  # the received space is ticked on a public one
        await wait_until(pilot, lambda: app.screen is screen, what="the decision sent")
        assert "is approved" in toasts(app)

    [approved] = env.app(cd.NEW_USER).repo.chorus_directory.my_attachments()
    assert approved.status is ChorusAttachmentStatus.APPROVED
    assert approved.spaces == [ChorusSpace.RECEIVED]

    # The secondary manager had the request open: their decision is told it is late.
    late = env.app(cd.PA2_USER)
    async with late.run_test(size=SIZE) as pilot:
        await settle(pilot)
        late.push_screen(DecisionDialog(pending))
        await settle(pilot)
        await pilot.click("#approve")
        await settle(pilot)
        assert "decided" in str(late.screen.query_one("#decide-error").render()).lower()
        assert isinstance(late.screen, DecisionDialog)  # still open, with the message


async def test_creating_a_structure_with_a_known_siret_offers_the_attachment_request(
        tmp_path: Path) -> None:
    env = make_env(tmp_path)
    app = env.app(cd.NEW_USER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(StructureDialog(None))
        await settle(pilot)
        await type_into(pilot, "#siret", "111 111 118 00019")  # SA's, typed with spaces
        await type_into(pilot, "#name", "Ma société")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                         what="the offer to request an attachment")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentRequestDialog),
                         what="the request dialog")
        dialog = app.screen
        assert isinstance(dialog, AttachmentRequestDialog)
        assert dialog.structure.siret == cd.SIRET[cd.SA]
        await settle(pilot)
        assert cd.NAME[cd.SA] in screen_text(app)
        await type_into(pilot, "#comment", "Salarié de la société")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not dialog, what="the request sent")
    # Nothing was created; the request waits for SA's managers.
    area = env.app(cd.NEW_USER).repo.chorus_directory
    assert area.mine() == []
    [asked] = area.my_attachments()
    assert (asked.structure_id, asked.status) == (env.ids[cd.SA],
                                                  ChorusAttachmentStatus.PENDING)
