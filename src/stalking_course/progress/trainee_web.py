"""The trainee's pages: joining a group (or coming back with a personal code), "my data" (see, export,
delete, sign out), the certificate and /verify/<code>."""

from __future__ import annotations

import json

import tornado.web

from ..content import ui
from .labels import page_title, question_label
from .webbase import ProgressPage, db, long_date, progress_store

PSEUDONYM_MIN, PSEUDONYM_MAX = 3, 40


class Attempts:
    """Failed "come back" tries per address: codes cannot be guessed by trying many (in memory, per app)."""

    LIMIT, WINDOW = 30, 600.0

    def __init__(self):
        self.failures = {}

    def blocked(self, address: str) -> bool:
        import time

        now_ = time.monotonic()
        recent = [t for t in self.failures.get(address, []) if now_ - t < self.WINDOW]
        self.failures[address] = recent
        if len(self.failures) > 10_000:  # forget the oldest addresses rather than grow without bound
            for key in list(self.failures)[:5_000]:
                del self.failures[key]
        return len(recent) >= self.LIMIT

    def failed(self, address: str) -> None:
        import time

        self.failures.setdefault(address, []).append(time.monotonic())


RETURN_TRIES = Attempts()


class JoinHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        if learner:
            group = await db(progress_store().learner_group, learner)
            return self.page(
                "join.html",
                "progress_joined_title",
                joined=True,
                group=group or "-",
                me_url=self.url("course/me", lang=self.lang),
            )
        self.page(
            "join.html",
            "progress_join_title",
            joined=False,
            action=self.url("course/join"),
            group_value=self.get_argument("group", "")[:16],
            pseudonym_value="",
        )

    async def post(self):
        t = ui(self.lang)
        group = self.get_body_argument("group", "")
        if not self.checked_form():
            return self._again(403, t["progress_err_form"], group)
        store = progress_store()
        if self.get_body_argument("do", "join") == "return":
            address = self.request.remote_ip or ""
            if RETURN_TRIES.blocked(address):
                return self._again(429, t["progress_err_too_many"], group)
            learner = await db(store.come_back, group, self.get_body_argument("code", "")[:200])
            if not learner:
                RETURN_TRIES.failed(address)
                return self._again(400, t["progress_err_return"], group)
            self.remember(learner)
            return self.page(
                "join.html",
                "progress_joined_title",
                messages=[("right", t["progress_welcome_back"])],
                joined=True,
                group=await db(store.learner_group, learner),
                me_url=self.url("course/me", lang=self.lang),
            )
        pseudonym = " ".join(self.get_body_argument("pseudonym", "").split())
        if pseudonym and not PSEUDONYM_MIN <= len(pseudonym) <= PSEUDONYM_MAX:
            return self._again(400, t["progress_err_pseudonym"], group)
        try:
            learner, code = await db(store.join, group, pseudonym or None)
        except KeyError:
            return self._again(400, t["progress_err_group"], group)
        except ValueError:
            return self._again(400, t["progress_err_taken"], group, pseudonym)
        self.remember(learner)
        self.page(
            "join.html",
            "progress_joined_title",
            joined=True,
            code=code,
            pseudonym=bool(pseudonym),
            group=await db(store.learner_group, learner),
            me_url=self.url("course/me", lang=self.lang),
        )

    def _again(self, status, message, group="", pseudonym=""):
        self.page(
            "join.html",
            "progress_join_title",
            status=status,
            messages=[("wrong", message)],
            joined=False,
            action=self.url("course/join"),
            group_value=group[:16],
            pseudonym_value=pseudonym[:PSEUDONYM_MAX],
        )


async def show_me(handler: ProgressPage, learner, **page_args) -> None:
    """The "my data" page: what is stored about this trainee, with export, delete and sign out."""
    data = await db(progress_store().export, learner) if learner else None
    lang = handler.lang
    handler.page(
        "me.html",
        "progress_me_title",
        data=data,
        export_url=handler.url("course/me/export"),
        delete_url=handler.url("course/me/delete"),
        signout_url=handler.url("course/me/signout"),
        join_url=handler.url("course/join", lang=lang),
        page_title=lambda p: page_title(p, lang),
        question_label=lambda e, q: question_label(e, q, lang),
        **page_args,
    )


class MeHandler(ProgressPage):
    async def get(self):
        await show_me(self, await self.learner())


class ExportHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        if not learner:
            raise tornado.web.HTTPError(404)
        data = await db(progress_store().export, learner)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="my-course-data.json"')
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False, indent=1))


class DeleteMeHandler(ProgressPage):
    async def post(self):
        t = ui(self.lang)
        learner = await self.learner()
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        if learner and self.get_body_argument("confirm", "") != "yes":
            self.set_status(400)
            return await show_me(self, learner, status=400, messages=[("wrong", t["progress_delete_need_confirm"])])
        if learner:
            await db(progress_store().delete_learner, learner)
        self.forget()
        self.page("base.html", "progress_me_title", messages=[("right", t["progress_deleted"])])


class SignOutHandler(ProgressPage):
    async def post(self):
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        self.forget()
        self.page("base.html", "progress_me_title", messages=[("info", ui(self.lang)["progress_signed_out"])])


class CertificateHandler(ProgressPage):
    async def get(self):
        learner = await self.learner()
        assessment = await db(progress_store().best_assessment, learner) if learner else None
        self.page(
            "certificate.html",
            "progress_cert_title",
            assessment=assessment,
            action=self.url("course/certificate"),
            date=long_date(assessment.created_at, self.lang) if assessment else "",
        )

    async def post(self):
        from ..content.course import course
        from .certificate import NAME_MAX, certificate_pdf, clean_name

        t = ui(self.lang)
        learner = await self.learner()
        assessment = await db(progress_store().best_assessment, learner) if learner else None
        if not self.checked_form():
            raise tornado.web.HTTPError(403)
        if assessment is None:
            return self.page("certificate.html", "progress_cert_title", status=404, assessment=None)
        name = clean_name(self.get_body_argument("name", ""))
        date = long_date(assessment.created_at, self.lang)
        if not 1 <= len(name) <= NAME_MAX:
            return self.page(
                "certificate.html",
                "progress_cert_title",
                status=400,
                assessment=assessment,
                messages=[("wrong", t["progress_err_name"])],
                action=self.url("course/certificate"),
                date=date,
            )
        verify_path = self.url("verify/" + assessment.verify_code, lang=self.lang)
        verify_url = f"{self.request.protocol}://{self.request.host}{verify_path}"
        pdf = certificate_pdf(
            lang=self.lang,
            t=t,
            course_title=course().title[self.lang],
            name=name,
            date=date,
            percent=assessment.percent,
            right=assessment.right,
            total=assessment.total,
            version=assessment.course_version,
            code=assessment.verify_code,
            verify_url=verify_url,
        )
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="certificate-{assessment.verify_code}.pdf"')
        self.set_header("Cache-Control", "no-store")
        self.finish(pdf)


class VerifyHandler(ProgressPage):
    async def get(self, code=""):
        from ..content.course import course

        assessment = await db(progress_store().verify, code) if code else None
        self.page(
            "verify.html",
            "progress_verify_title",
            status=200 if assessment else 404,
            assessment=assessment,
            date=long_date(assessment.created_at, self.lang) if assessment else "",
            course_title=course().title[self.lang],
            start_url=None,
        )
