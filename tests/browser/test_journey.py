"""The programme year end to end in Chromium, as its people do it.

A school operator uploads the school's Dapodik export and sends candidates;
a verifier decides on them; the Dinas administrator sends them to Bank
Kalsel; the bank officer answers with a return file and prints the cards;
the school hands them over; the Kepala Dinas reads the SOP dashboard and a
parent checks the status page on a phone. The pages run on a live server
with a real Celery worker; every step is a screenshot under
test-artifacts/journey/ (and, with KBP_UPDATE_GUIDES=1, an image of the
guides in docs/panduan/). Every main page is checked with axe-core, and
the operator's and the parent's pages on a phone-sized screen.
"""

import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from balangan_pintar.roles import Role
from bank_exchange.formats import COLUMN_NAMES, parse_return_file
from bank_exchange.models import BankBatch, FileKind
from cards.status.services import CLIENT_LIMIT, NISN_LIMIT
from students.models import Candidate, Status, Student

from .helpers import JOURNEY, PHONE, Album, Checks, Person, phone_view
from .programme import KIP, PASSWORD, REVIEW, UNMATCHED, Year, prepare_year, username

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.postgres]

# Which pupil meets which fate after the DTKS matching (see programme.py).
RETURNED = 13
BANK_REJECTED = 5
UNDELIVERED = 8
PARENT = 0

REVIEW_REASON = "Keluarga tidak mampu, ada SKTM desa"
REJECT_NOTE = "Sudah menerima KIP/PIP tahun ini."
RETURN_NOTE = "Nama ibu kandung berbeda dengan Kartu Keluarga; mohon diperiksa."
BANK_REASON = "NIK tidak terdaftar di Dukcapil"
UNDELIVERED_NOTE = "Keluarga pindah ke Tabalong; wali kelas menghubungi orang tua."
DOWNLOADS = JOURNEY / "unduhan"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_programme_year_in_a_browser(
    browser: Browser,
    live_site: str,
    celery_worker_process: subprocess.Popen[bytes],
    axe_source: tuple[str | None, str],
    settings: Any,
    tmp_path: Path,
    subtests: Any,
) -> None:
    # The worker was started with VAR_DIR=tmp_path; the live server must
    # keep its files where the worker looks.
    settings.MEDIA_ROOT = tmp_path / "files"
    # The progress report is kept for minutes and made again by the worker
    # some seconds after a burst of moves, by design; the journey reads it
    # as made at that moment.
    settings.REPORTS_CACHE_SECONDS = 0
    year = prepare_year(tmp_path)
    source, unavailable = axe_source
    journey = Journey(
        browser, live_site, year, Album(), Checks(subtests, source, unavailable)
    )
    try:
        journey.dinas_sets_the_rules()
        journey.school_uploads_and_sends()
        journey.verifier_decides()
        journey.school_reads_the_decisions()
        journey.dinas_sends_a_bank_batch()
        journey.bank_opens_accounts_and_prints()
        journey.dinas_sees_the_bank_rejection()
        journey.school_hands_over()
        journey.kepala_reads_the_dashboard()
        journey.parent_checks_the_status()
    finally:
        journey.close()
    journey.finish()


@dataclass
class Journey:
    browser: Browser
    base_url: str
    year: Year
    album: Album
    checks: Checks
    people: dict[Role, Person] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    batch_number: str = ""
    phones: list[Person] = field(default_factory=list)

    # What the journey leads to.

    @property
    def proposed(self) -> int:
        """Every pupil the register confirms, and the one to be reviewed."""
        return len(self.year.matched) + 1

    @property
    def approved(self) -> int:
        """Less the KIP recipient, who is rejected, and the returned pupil."""
        return self.proposed - 2

    @property
    def opened(self) -> int:
        """Less the pupil the bank rejects: the accounts, and the cards."""
        return self.approved - 1

    # People and pages.

    def person(self, role: Role) -> Person:
        """The person of ``role`` at their browser, signed in once."""
        if role not in self.people:
            person = Person.at(self.browser, self.base_url)
            self.people[role] = person
            first = len(self.people) == 1
            if first:
                person.page.goto("/masuk/")
                self.accessible(person.page, "masuk")
            person.log_in(username(role), PASSWORD, album=self.album if first else None)
            if first:
                self._check_assets(person.page)
        return self.people[role]

    def _check_assets(self, page: Page) -> None:
        """The stylesheets and scripts load under the site's CSP."""
        skip_link = page.locator("a.visually-hidden-focusable")
        expect(skip_link).to_have_css("position", "absolute")
        assert page.evaluate("typeof window.htmx") == "object"
        assert page.evaluate("typeof window.bootstrap") == "object"

    def name(self, index: int) -> str:
        """A pupil's name as the pages show it."""
        if index not in self.names:
            pupil = self.year.pupil(index)
            student = Student.objects.get(school=self.year.school, nisn=pupil.nisn)
            self.names[index] = student.name
        return self.names[index]

    def accessible(self, page: Page, label: str) -> None:
        self.checks.accessibility(page, label)

    # Before step 1: the year's rules.

    def dinas_sets_the_rules(self) -> None:
        """The Dinas checks the SKTM at its office this year, so the schools
        need not upload one for every candidate."""
        admin = self.person(Role.DINAS_ADMIN)
        page = admin.page
        admin.menu("Aturan periode")
        sktm = page.get_by_label("SKTM wajib", exact=True)
        expect(sktm).to_be_checked()
        sktm.uncheck()
        page.get_by_role("button", name="Simpan aturan").click()
        admin.expect_message("Aturan periode tersimpan.")
        expect(page.get_by_label("SKTM wajib", exact=True)).not_to_be_checked()
        self.album.shot(page, "admin-aturan-periode")
        self.accessible(page, "aturan verifikasi")

    # SOP steps 1 and 2: the school.

    def school_uploads_and_sends(self) -> None:
        year = self.year
        operator = self.person(Role.SCHOOL_OPERATOR)
        page = operator.page
        expect(page.get_by_text(year.school.name).first).to_be_visible()
        self.album.shot(page, "operator-beranda")
        self.accessible(page, "beranda operator")

        operator.menu("Unggah Dapodik")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Unggah Daftar Peserta Didik"
        )
        page.get_by_label("Berkas Daftar Peserta Didik").set_input_files(year.workbook)
        self.album.shot(page, "operator-unggah")
        self.accessible(page, "unggah Dapodik")
        page.get_by_role("button", name="Unggah dan periksa").click()

        expect(page).to_have_url(re.compile(r"/pekerjaan/[0-9a-f-]+/$"))
        self.album.shot(page, "operator-kemajuan")
        self.accessible(page, "kemajuan pekerjaan")
        operator.wait_for_job(re.compile(r"/siswa/unggahan/\d+/$"))

        rows = len(year.pupils) + len(year.spoiled)
        expect(_count(page, "Baris dibaca")).to_have_text(str(rows))
        expect(_count(page, "Siswa disimpan")).to_have_text(str(len(year.pupils)))
        expect(_count(page, "Baris bergalat")).to_have_text(str(len(year.spoiled)))
        self.album.shot(page, "operator-hasil-unggahan")
        errors = page.locator("table.kbp-stack tbody tr").filter(
            has=page.locator(".badge", has_text="Galat")
        )
        expect(errors).to_have_count(len(year.spoiled))
        error_rows = errors.locator("td:first-child").all_inner_texts()
        assert error_rows == [str(p.excel_row) for p in year.spoiled]
        self.accessible(page, "hasil unggahan")
        with page.expect_download() as downloading:
            page.get_by_role("link", name="Unduh berkas dengan Keterangan").click()
        annotated = DOWNLOADS / downloading.value.suggested_filename
        downloading.value.save_as(annotated)
        assert annotated.name == year.workbook.stem + "-keterangan.xlsx"
        assert _annotated_rows(annotated) == [p.excel_row for p in year.spoiled]
        upload_url = page.url

        page.get_by_role("link", name="Pilih calon penerima").click()
        review, unmatched = self.name(REVIEW), self.name(UNMATCHED)
        for pupil in year.matched:
            expect(
                page.get_by_label(self.name(pupil.index), exact=True)
            ).to_be_checked()
        expect(_row(page, review)).to_contain_text("Perlu diperiksa")
        expect(_row(page, unmatched)).to_contain_text("Tidak ditemukan")
        expect(page.get_by_label(unmatched, exact=True)).not_to_be_checked()
        page.get_by_label(review, exact=True).check()
        page.get_by_label(f"Alasan mengusulkan {review}").fill(REVIEW_REASON)
        proposed = self.proposed
        expect(page.locator("[data-selected-count]")).to_have_text(str(proposed))
        self.album.shot(page, "operator-pilih-calon")
        self.accessible(page, "usulan ke Dinas")

        page.get_by_role("button", name="Kirim ke Dinas").click()
        operator.expect_message(f"{proposed} calon penerima terkirim ke Dinas.")
        assert operator.questions[-1].startswith(
            f"Kirim {proposed} calon penerima ke Dinas?"
        )
        self.album.shot(page, "operator-usulan-terkirim")
        submitted = Candidate.objects.filter(status=Status.SUBMITTED)
        assert submitted.count() == proposed

        with phone_view(self.browser, operator) as phone:
            for path, label in (
                ("/", "beranda operator"),
                ("/siswa/unggah/", "unggah Dapodik"),
                (upload_url, "hasil unggahan"),
                ("/siswa/usulan/", "usulan ke Dinas"),
            ):
                phone.page.goto(path)
                self.checks.fits_phone(phone.page, label)
            self.album.shot(phone.page, "operator-ponsel-usulan")
            self.phones.append(phone)

    # SOP step 3: the Dinas verifies.

    def verifier_decides(self) -> None:
        verifier = self.person(Role.VERIFIER)
        page = verifier.page
        expect(page.get_by_text("1 usulan menunggu verifikasi")).to_be_visible()
        self.album.shot(page, "verifikator-beranda")
        self.accessible(page, "beranda verifikator")

        verifier.menu("Verifikasi")
        self.album.shot(page, "verifikator-antrean")
        self.accessible(page, "antrean verifikasi")
        page.get_by_role("link", name=self.year.school.name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.year.school.name)
        self.album.shot(page, "verifikator-usulan")
        self.accessible(page, "usulan sekolah")

        # The KIP recipient: the page opens the rejection with the reason
        # the failed rule points to; the verifier adds a note.
        kip = _candidate(page, self.name(KIP))
        expect(kip.locator(".kbp-rule-fail")).to_contain_text("Bukan penerima KIP/PIP")
        reason = kip.get_by_label("Alasan penolakan")
        expect(reason).to_be_visible()
        expect(reason).not_to_have_value("")
        kip.get_by_label("Catatan untuk sekolah").fill(REJECT_NOTE)
        _scroll_to(kip)
        self.album.shot(page, "verifikator-tolak")
        kip.get_by_role("button", name="Tolak", exact=True).click()
        verifier.expect_message("Keputusan tercatat.")
        expect(_candidate(page, self.name(KIP))).to_contain_text("Ditolak Dinas")

        returned = _candidate(page, self.name(RETURNED))
        returned.get_by_role("button", name="Kembalikan ke sekolah…").click()
        returned.get_by_label("Yang harus diperbaiki sekolah").fill(RETURN_NOTE)
        _scroll_to(returned)
        self.album.shot(page, "verifikator-kembalikan")
        returned.get_by_role("button", name="Kembalikan", exact=True).click()
        verifier.expect_message("Keputusan tercatat.")

        # The pupil the register lists under another birth date.
        review = _candidate(page, self.name(REVIEW))
        expect(review).to_contain_text("Perlu diperiksa")
        review.get_by_role("link", name="Buka tinjauan DTKS siswa ini").click()
        expect(page.get_by_text("1 siswa menunggu tinjauan")).to_be_visible()
        item = page.locator("article").filter(has_text=self.name(REVIEW))
        expect(item).to_contain_text("Orang 1 di DTKS")
        self.album.shot(page, "verifikator-tinjauan-dtks")
        self.accessible(page, "tinjauan DTKS")
        item.get_by_role("button", name="Orang yang sama").click()
        verifier.expect_message("Dicatat: orang yang sama.")

        page.get_by_role("link", name="Antrean verifikasi").click()
        page.get_by_role("link", name=self.year.school.name).click()
        bulk = self.approved - 1  # the reviewed pupil is approved by hand
        page.get_by_role("link", name=re.compile(f"Setujui {bulk} calon")).click()
        expect(page.locator("tbody tr")).to_have_count(bulk)
        self.album.shot(page, "verifikator-setujui-massal")
        self.accessible(page, "persetujuan massal")
        page.get_by_role("button", name=f"Ya, setujui {bulk} calon").click()
        verifier.expect_message(f"{bulk} calon disetujui.")
        assert verifier.questions[-1] == f"Setujui {bulk} calon ini?"

        # Confirmed by the review, the pupil passes every rule now, but an
        # approval by hand: bulk approval is for automatic matches only.
        review = _candidate(page, self.name(REVIEW))
        expect(review).to_contain_text("Cocok")
        review.get_by_role("button", name="Setujui", exact=True).click()
        verifier.expect_message("Keputusan tercatat.")
        expect(page.get_by_text("0 menunggu keputusan")).to_be_visible()
        self.album.shot(page, "verifikator-selesai")
        approved = Candidate.objects.filter(status=Status.APPROVED).count()
        assert approved == self.approved

    def school_reads_the_decisions(self) -> None:
        operator = self.person(Role.SCHOOL_OPERATOR)
        page = operator.page
        operator.menu("Keputusan Dinas")
        returned = _row(page, self.name(RETURNED))
        expect(returned).to_contain_text("Dikembalikan")
        expect(returned).to_contain_text(RETURN_NOTE)
        rejected = _row(page, self.name(KIP))
        expect(rejected).to_contain_text("Ditolak Dinas")
        self.album.shot(page, "operator-keputusan-dinas")
        self.accessible(page, "keputusan Dinas (sekolah)")
        with phone_view(self.browser, operator) as phone:
            phone.page.goto(page.url)
            self.checks.fits_phone(phone.page, "keputusan Dinas")
            self.phones.append(phone)

    # SOP step 4: the Dinas sends the approved candidates to the bank.

    def dinas_sends_a_bank_batch(self) -> None:
        admin = self.person(Role.DINAS_ADMIN)
        page = admin.page
        approved = self.approved
        admin.menu("Batch bank")
        expect(page.get_by_role("status")).to_contain_text(
            f"{approved} calon penerima disetujui"
        )
        self.album.shot(page, "admin-batch-daftar")
        self.accessible(page, "batch bank (Dinas)")

        page.get_by_role("link", name="Buat batch").click()
        self.album.shot(page, "admin-batch-buat")
        self.accessible(page, "buat batch")
        page.get_by_role("button", name="Buat draf batch").click()
        admin.expect_message("Draf batch dibuat.")

        page.get_by_role("link", name="Kirim ke bank").click()
        amount = f"Rp{approved * 1_100_000:,}".replace(",", ".")
        expect(page.locator("main")).to_contain_text(
            f"{approved} siswa dengan jumlah {amount} akan dikirim"
        )
        self.album.shot(page, "admin-batch-kirim")
        self.accessible(page, "kirim batch")
        page.get_by_role("button", name=f"Kirim {approved} siswa").click()
        admin.expect_message(
            re.compile(r"Batch KBP/2026/\d{3} dikirim ke Bank Kalsel\.")
        )
        assert admin.questions[-1].startswith(f"Kirim {approved} siswa ke Bank Kalsel?")
        message = page.locator("main > .alert[role=status]").inner_text()
        found = re.search(r"KBP/2026/\d{3}", message)
        assert found is not None
        self.batch_number = found.group()
        self.album.shot(page, "admin-batch-terkirim")
        self.accessible(page, "batch terkirim")

    # SOP steps 5 and 6: the bank.

    def bank_opens_accounts_and_prints(self) -> None:
        bank = self.person(Role.BANK_OFFICER)
        page = bank.page
        bank.menu("Batch bank")
        page.get_by_role("link", name=self.batch_number).click()
        self.album.shot(page, "bank-batch")
        self.accessible(page, "batch (bank)")

        with page.expect_download() as downloading:
            page.get_by_role("link", name="Workbook .xlsx").click()
        sent = DOWNLOADS / downloading.value.suggested_filename
        downloading.value.save_as(sent)
        assert sent.name == self.batch_number.replace("/", "-") + ".xlsx"
        batch = BankBatch.objects.get(number=self.batch_number)
        recorded = batch.files.get(kind=FileKind.XLSX).sha256
        assert hashlib.sha256(sent.read_bytes()).hexdigest() == recorded

        answer = DOWNLOADS / sent.name.replace(".xlsx", "-balasan.xlsx")
        opened = self._answer_the_batch(sent, answer)
        assert opened == self.opened
        page.get_by_label("Berkas balasan bank").set_input_files(answer)
        page.get_by_role("button", name="Unggah dan periksa").click()
        expect(_tally(page, "buka rekening")).to_have_text(str(opened))
        expect(_tally(page, "catat penolakan")).to_have_text("1")
        expect(_tally(page, "masalah")).to_have_text("0")
        self.album.shot(page, "bank-pratinjau-balasan")
        self.accessible(page, "pratinjau berkas balasan")
        page.get_by_role("button", name="Terapkan").click()
        bank.expect_message(
            f"Berkas diterapkan: {opened} rekening dibuka, 1 ditolak, 0 tidak berubah."
        )
        self.album.shot(page, "bank-balasan-diterapkan")

        bank.menu("Kartu")
        self.accessible(page, "cetak kartu")
        page.get_by_role("link", name=self.batch_number).click()
        expect(page.locator("main")).to_contain_text(
            f"{opened} siswa dengan rekening terbuka belum memiliki kartu."
        )
        page.get_by_role("button", name="Terbitkan nomor kartu").click()
        bank.expect_message(
            f"{opened} kartu diterbitkan; 0 siswa sudah memiliki kartu."
        )
        page.get_by_label("Lembar A4, 10 kartu per lembar").check()
        self.album.shot(page, "bank-kartu-batch")
        self.accessible(page, "kartu batch")
        page.get_by_role("button", name="Buat PDF").click()
        expect(page).to_have_url(re.compile(r"/pekerjaan/[0-9a-f-]+/$"))
        self.album.shot(page, "bank-membuat-pdf")
        bank.wait_for_job(re.compile(r"/kartu/cetak/\d+/$"))

        details = page.locator("main dl dd")
        expect(details.nth(1)).to_have_text(str(opened))
        self.album.shot(page, "bank-pdf-kartu")
        self.accessible(page, "PDF kartu")
        with page.expect_download() as downloading:
            page.get_by_role("link", name="Unduh PDF").click()
        pdf = DOWNLOADS / downloading.value.suggested_filename
        downloading.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        pages = len(PdfReader(pdf).pages)
        expect(details.nth(2)).to_have_text(str(pages))

        page.get_by_label("Kartu rusak saat dicetak").fill("0")
        page.get_by_label("Kartu yang dicetak ulang").fill("0")
        page.get_by_role("button", name="Konfirmasi dicetak").click()
        bank.expect_message(f"Pencetakan dikonfirmasi: {opened} kartu dicetak.")
        self.album.shot(page, "bank-cetak-dikonfirmasi")

    def _answer_the_batch(self, sent: Path, answer: Path) -> int:
        """The bank's answer as docs/bank-format.md allows it: the Data
        sheet as received, with NOMOR_REKENING, STATUS and ALASAN added as
        text. One pupil is rejected. Returns how many accounts it opens."""
        workbook = openpyxl.load_workbook(sent)
        sheet = workbook["Data"]
        header = [cell.value for cell in sheet[1]]
        assert tuple(header) == COLUMN_NAMES
        nisn_column = header.index("NISN") + 1
        rejected_nisn = self.year.pupil(BANK_REJECTED).nisn
        extra = sheet.max_column
        for offset, title in enumerate(("NOMOR_REKENING", "STATUS", "ALASAN"), 1):
            sheet.cell(row=1, column=extra + offset, value=title)
        nisns = []
        for line in range(2, sheet.max_row + 1):
            nisn = str(sheet.cell(row=line, column=nisn_column).value)
            nisns.append(nisn)
            if nisn == rejected_nisn:
                values = ("", "REJECTED", BANK_REASON)
            else:
                values = (f"0012{line:06d}", "OPENED", "")
            for offset, value in enumerate(values, 1):
                cell = sheet.cell(row=line, column=extra + offset, value=value)
                cell.number_format = "@"
        assert len(nisns) == self.approved
        assert rejected_nisn in nisns
        workbook.save(answer)
        parsed = parse_return_file(answer.read_bytes(), answer.name)
        assert not parsed.problems, parsed.problems
        return len(nisns) - 1

    def dinas_sees_the_bank_rejection(self) -> None:
        admin = self.person(Role.DINAS_ADMIN)
        page = admin.page
        admin.menu("Batch bank")
        page.get_by_role("link", name="Ditolak bank").click()
        row = _row(page, self.name(BANK_REJECTED))
        expect(row).to_contain_text(BANK_REASON)
        self.album.shot(page, "admin-ditolak-bank")
        self.accessible(page, "ditolak bank")

    # SOP step 7: the school hands the cards over.

    def school_hands_over(self) -> None:
        operator = self.person(Role.SCHOOL_OPERATOR)
        page = operator.page
        printed = self.opened
        missed = self.name(UNDELIVERED)
        operator.menu("Penyerahan kartu")
        expect(_box(page, "Dicetak, belum tiba")).to_have_text(str(printed))
        page.get_by_label("Pilih semua kartu yang dapat diserahkan").check()
        page.get_by_role("checkbox", name=missed, exact=True).uncheck()
        expect(page.get_by_label("Diserahkan", exact=True)).to_be_checked()
        expect(page.get_by_label("Siswa sendiri", exact=True)).to_be_checked()
        _scroll_to(page.get_by_role("heading", name="Catat penyerahan"), margin=360)
        self.album.shot(page, "operator-penyerahan")
        self.accessible(page, "penyerahan kartu")
        page.get_by_role("button", name="Simpan penyerahan").click()
        operator.expect_message(f"{printed - 1} penyerahan dicatat.")
        list_url = page.url

        page.get_by_role("link", name=missed, exact=True).click()
        page.get_by_label("Tidak dapat diserahkan", exact=True).check()
        page.get_by_label("Alasan tidak dapat diserahkan").select_option(
            label="Pindah alamat atau pindah sekolah"
        )
        page.get_by_label("Catatan").fill(UNDELIVERED_NOTE)
        self.album.shot(page, "operator-penyerahan-gagal")
        self.accessible(page, "penyerahan satu kartu")
        card_url = page.url
        page.get_by_role("button", name="Simpan", exact=True).click()
        operator.expect_message(re.compile(r"Penyerahan kartu KBP-\S+ dicatat\."))
        expect(_box(page, "Diserahkan")).to_have_text(str(printed - 1))
        expect(_box(page, "Belum dapat diserahkan")).to_have_text("1")
        self.album.shot(page, "operator-penyerahan-selesai")

        with phone_view(self.browser, operator) as phone:
            for path, label in (
                (list_url, "penyerahan kartu"),
                (card_url, "penyerahan satu kartu"),
            ):
                phone.page.goto(path)
                self.checks.fits_phone(phone.page, label)
            self.phones.append(phone)

    # The Kepala Dinas and a parent.

    def kepala_reads_the_dashboard(self) -> None:
        kepala = self.person(Role.KEPALA_DINAS)
        page = kepala.page
        self.album.shot(page, "kepala-beranda")
        self.accessible(page, "beranda Kepala Dinas")
        kepala.menu("Dasbor SOP")
        page.get_by_label("Waktu kalender").check()
        page.get_by_role("button", name="Tampilkan").click()
        expect(page).to_have_url(re.compile(r"waktu=kalender"))

        proposed, approved, opened = self.proposed, self.approved, self.opened
        # Per SOP step: (waiting now, completed during the journey).
        expected = {
            1: (0, proposed),
            2: (1, proposed),  # the returned pupil, back with the school
            3: (0, proposed),
            4: (1, approved),  # the pupil the bank rejected
            5: (0, approved),
            6: (0, opened),
            7: (1, opened),  # the card not yet handed over
        }
        shown = {}
        for row in page.locator("table.kbp-sop-table tbody tr").all():
            step = int(row.locator("th .badge").inner_text())
            cells = row.locator("td")
            waiting = int(cells.nth(0).inner_text().split()[0])
            done = int(cells.nth(2).inner_text())
            shown[step] = (waiting, done)
            if done:
                expect(cells.nth(3)).to_contain_text("menit")
        assert shown == expected
        self.album.shot(page, "kepala-dasbor")
        self.accessible(page, "dasbor SOP")

        kepala.menu("Laporan")
        expect(_figure(page, "Diusulkan ke Dinas")).to_have_text(str(proposed))
        expect(_figure(page, "Disetujui Dinas")).to_have_text(str(approved))
        expect(_figure(page, "Kartu diterima siswa")).to_have_text(str(opened - 1))
        self.album.shot(page, "kepala-laporan")
        self.accessible(page, "laporan perkembangan")

    def parent_checks_the_status(self) -> None:
        """On a phone, without an account: NISN, birth date and a sum."""
        parent = Person.at(self.browser, self.base_url, viewport=PHONE, phone=True)
        self.phones.append(parent)
        page = parent.page
        pupil = self.year.pupil(PARENT)
        # The page counts checks per NISN and per address in the cache, which
        # with Redis outlives the test: an earlier run must not use them up.
        cache.delete_many(
            [CLIENT_LIMIT.key(address) for address in ("127.0.0.1", "::1")]
            + [NISN_LIMIT.key(pupil.nisn)]
        )
        page.goto("/kartu/cek-status/")
        self.checks.fits_phone(page, "cek status")
        page.get_by_label("NISN").fill(pupil.nisn)
        page.get_by_label("Tanggal", exact=True).select_option(
            str(pupil.birth_date.day)
        )
        page.get_by_label("Bulan", exact=True).select_option(
            str(pupil.birth_date.month)
        )
        page.get_by_label("Tahun", exact=True).fill(str(pupil.birth_date.year))
        question = page.locator(".kbp-question").inner_text()
        sum_ = re.fullmatch(r"Berapa (\d+) \+ (\d+)\?", question)
        assert sum_ is not None, question
        page.get_by_label(re.compile("Pertanyaan keamanan")).fill(
            str(int(sum_.group(1)) + int(sum_.group(2)))
        )
        self.album.shot(page, "orang-tua-formulir")
        self.accessible(page, "cek status")
        page.get_by_role("button", name="Cek status").click()
        expect(page.get_by_role("heading", level=2).first).to_have_text(
            "Kartu Balangan Pintar sudah diterima. Selamat!"
        )
        self.checks.fits_phone(page, "hasil cek status")
        self.album.shot(page, "orang-tua-hasil", full_page=True)
        self.accessible(page, "hasil cek status")

    # The end.

    def close(self) -> None:
        for person in [*self.people.values(), *self.phones]:
            person.close()

    def finish(self) -> None:
        assert not self.album.missing(), f"shots not taken: {self.album.missing()}"
        self.checks.report_axe_unavailable()
        with self.checks.subtests.test(msg="browser console: no errors"):
            errors = [
                error
                for person in [*self.people.values(), *self.phones]
                for error in person.console_errors
            ]
            assert not errors, "\n".join(errors)


def _count(page: Page, label: str) -> Locator:
    """The number on one of the upload's count cards."""
    card = page.locator(".kbp-counts .card-body").filter(has_text=label)
    return card.locator(".fs-4")


def _tally(page: Page, label: str) -> Locator:
    """The number on one of the return preview's cards."""
    card = page.locator(".card-body").filter(has=page.get_by_text(label, exact=True))
    return card.locator(".fs-3")


def _box(page: Page, label: str) -> Locator:
    """The number in one of the handover list's boxes."""
    box = page.locator(".border.rounded").filter(
        has=page.get_by_text(label, exact=True)
    )
    return box.locator(".fs-4")


def _figure(page: Page, label: str) -> Locator:
    """The big number of one of the progress report's headline cards."""
    card = page.locator(".kbp-stat").filter(has=page.get_by_text(label, exact=True))
    return card.locator(".kbp-num")


def _row(page: Page, name: str) -> Locator:
    """The table row of a pupil."""
    return page.locator("tbody tr").filter(has=page.get_by_text(name, exact=True))


def _scroll_to(element: Locator, margin: int = 12) -> None:
    """Bring an element ``margin`` pixels below the top of the window, for
    a screenshot."""
    element.evaluate(
        "(e, m) => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - m)",
        margin,
    )


def _annotated_rows(path: Path) -> list[int]:
    """The rows of the annotated workbook that have a Keterangan."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = next(
        cell for row in sheet.iter_rows() for cell in row if cell.value == "Keterangan"
    )
    return [
        cell.row
        for (cell,) in sheet.iter_rows(
            min_row=header.row + 1, min_col=header.column, max_col=header.column
        )
        if cell.value
    ]


def _candidate(page: Page, name: str) -> Locator:
    """A candidate's card on a submission's page."""
    heading = page.get_by_role("heading", name=name, exact=True)
    return page.locator("article.kbp-candidate").filter(has=heading)
