"""The trainer's view: the groups, one group's numbers (also as CSV) and deleting a group; the trainer
logs in with the trainer token (webbase.trainer_token)."""

from __future__ import annotations

import hmac

import tornado.web

from ..content import ui
from .labels import report_rows
from .webbase import TRAINER_COOKIE, ProgressPage, cookie_secret, db, progress_store, trainer_token, trainer_token_tag


class TrainerPage(ProgressPage):
    def require_trainer(self) -> bool:
        if self.is_trainer():
            return True
        self.page("trainer_login.html", "progress_tr_title", status=403, action=self.url("trainer"))
        return False

    def group_url(self, code: str) -> str:
        return self.url(f"trainer/group/{code}", lang=self.lang)


class TrainerHandler(TrainerPage):
    async def get(self):
        token = self.get_query_argument("token", "")
        if token:
            return self._login(token)
        if not self.require_trainer():
            return
        store = progress_store()
        groups = await db(store.groups)
        reports = [await db(store.group_report, g.code) for g in groups]
        rows = [
            {
                "code": g.code,
                "label": g.label,
                "joined": r["joined"] if r else 0,
                "created": g.created_at.strftime("%Y-%m-%d %H:%M"),
            }
            for g, r in zip(groups, reports)
        ]
        self.page(
            "trainer.html",
            "progress_tr_title",
            groups=rows,
            group_url=self.group_url,
            create_url=self.url("trainer/groups"),
            start_url=None,
        )

    def post(self):
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        self._login(self.get_body_argument("token", ""))

    def _login(self, token: str):
        if not hmac.compare_digest(token.encode(), trainer_token().encode()):
            return self.page(
                "trainer_login.html",
                "progress_tr_title",
                status=403,
                action=self.url("trainer"),
                messages=[("wrong", ui(self.lang)["progress_tr_bad_token"])],
            )
        signed = tornado.web.create_signed_value(cookie_secret(), TRAINER_COOKIE, trainer_token_tag())
        self.set_cookie(
            TRAINER_COOKIE,
            signed,
            path=self.base,
            expires_days=1,
            httponly=True,
            samesite="Strict",
            secure=self.request.protocol == "https",
        )
        self.redirect(self.url("trainer", lang=self.lang))


class TrainerGroupsHandler(TrainerPage):
    async def post(self):
        if not self.checked_form() or not self.is_trainer():
            raise tornado.web.HTTPError(403)
        code = await db(progress_store().create_group, self.get_body_argument("label", "")[:80])
        self.redirect(self.group_url(code))


class TrainerGroupHandler(TrainerPage):
    async def get(self, code, csv=None):
        if not self.require_trainer():
            return
        report = await db(progress_store().group_report, code)
        if report is None:
            return self.page(
                "base.html",
                "progress_tr_title",
                status=404,
                messages=[("wrong", ui(self.lang)["progress_tr_unknown_group"])],
                start_url=None,
            )
        rows = report_rows(report, self.lang)
        if csv:
            return self._csv(report, rows)
        self.page(
            "trainer_group.html",
            "progress_tr_title",
            report=report,
            **rows,
            start_url=None,
            csv_url=self.url(f"trainer/group/{report['code']}.csv", lang=self.lang),
            back_url=self.url("trainer", lang=self.lang),
            delete_url=self.url(f"trainer/group/{report['code']}/delete"),
        )

    def _csv(self, report, rows):
        from .store import csv_text

        t = ui(self.lang)
        lines = [
            [t["progress_tr_col_code"], report["code"]],
            [t["progress_tr_col_label"], report["label"]],
            [t["progress_tr_col_joined"], report["joined"]],
            [],
            [t["progress_tr_col_lesson"], t["progress_tr_col_started"], t["progress_tr_col_done"]],
            *rows["completion"],
            [],
            [
                t["progress_tr_col_question"],
                t["progress_tr_col_answered"],
                t["progress_tr_col_first"],
                t["progress_tr_col_wrong"],
            ],
            *rows["questions"],
            [],
            [t["progress_tr_col_topic"], t["progress_tr_col_trainees"], t["progress_tr_col_score"]],
            *rows["topics"],
            [],
            [rows["passed"]],
        ]
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="group-{report["code"]}.csv"')
        self.set_header("Cache-Control", "no-store")
        self.finish("\ufeff" + csv_text(lines))  # the BOM lets spreadsheet programs read UTF-8


class TrainerDeleteGroupHandler(TrainerPage):
    async def post(self, code):
        if not self.checked_form() or not self.is_trainer():
            raise tornado.web.HTTPError(403)
        t = ui(self.lang)
        if self.get_body_argument("confirm", "") != "yes":
            return self.page(
                "base.html",
                "progress_tr_title",
                status=400,
                start_url=None,
                messages=[("wrong", t["progress_delete_need_confirm"])],
            )
        deleted = await db(progress_store().delete_group, code)
        if not deleted:
            return self.page(
                "base.html",
                "progress_tr_title",
                status=404,
                start_url=None,
                messages=[("wrong", t["progress_tr_unknown_group"])],
            )
        self.page(
            "base.html",
            "progress_tr_title",
            messages=[("right", t["progress_tr_deleted"].format(code=code))],
            start_url=None,
        )
