"""Each transition, refusal and undo of register.md, one test each, on in-memory registers."""

from datetime import UTC, datetime, timedelta

from support import DAY_H, WORKFLOW, MemoryRegister, approved, handed_over, rejected, reviewed, submission

from sheetflow import archive
from sheetflow.findings import flatten

STAMP = DAY_H.replace(tzinfo=None)


# ---------------------------------------------------------------- transitions
def test_row_with_content_not_handed_over_is_draft(register_of):
    register = register_of(submission())
    register.sync()
    assert register.status() == "Draf"
    assert register.cell("handed_over_at") is None


def test_invalid_hand_over_needs_fixing_and_lists_each_problem(register_of):
    register = register_of(handed_over(documentation_count=3, caption="x" * 230))
    register.sync()
    assert register.status() == "Perlu Perbaikan"
    assert register.notes().splitlines() == [
        "• Jumlah Dokumentasi 3: minimal 5. Lengkapi dokumentasi hingga minimal 5.",
        "• Caption 230 karakter; maksimal 200 karakter. Persingkat 30 karakter.",
    ]
    assert (register.cell("handed_over_at"), register.cell("received_at")) == (STAMP, None)


def test_valid_hand_over_is_received_and_waits_for_review(register_of):
    register = register_of(handed_over())
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert (register.cell("handed_over_at"), register.cell("received_at")) == (STAMP, STAMP)


def test_fixed_row_waits_for_review(register_of):
    register = register_of(handed_over(documentation_count=3))
    register.sync()
    register.edit(0, documentation_count=7)
    register.later(hours=1)
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.cell("received_at") == STAMP + timedelta(hours=1)
    assert register.cell("handed_over_at") == STAMP


def test_clearing_serahkan_on_a_row_needing_fixes_returns_it_to_draft(register_of):
    register = register_of(handed_over(documentation_count=3))
    register.sync()
    register.edit(0, handover=None)
    register.sync()
    assert register.status() == "Draf"


def test_filling_pemeriksa_takes_the_row_for_review(register_of):
    register = register_of(handed_over())
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    register.later(hours=2)
    register.sync()
    assert register.status() == "Sedang Diperiksa"
    assert register.cell("reviewed_at") == STAMP + timedelta(hours=2)


def test_tolak_with_a_response_rejects_and_clears_serahkan(register_of):
    register = register_of(rejected())
    register.sync()
    assert register.status() == "Ditolak"
    assert register.cell("handover") is None
    assert register.cell("response") == "Foto kurang jelas; ganti foto 3 dan 4."


def test_tolak_clears_a_ticked_checkbox_by_unticking_it(register_of):
    register = register_of(rejected(handover=True))
    register.sync()
    assert register.cell("handover") is False


def test_terima_with_sign_off_approves_and_records_the_fingerprint(register_of):
    register = register_of(approved())
    plan = register.sync()
    assert register.status() == "Disetujui"
    assert register.cell("fingerprint") == plan.history[-1].fingerprint
    assert register.cell("decided_at") == STAMP


def test_upload_link_on_an_approved_row_publishes_it(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, upload_links="https://www.instagram.com/p/abc/")
    register.sync()
    assert register.status() == "Diunggah"
    assert register.cell("published_at") == STAMP


def test_one_sync_takes_a_row_through_every_step_it_qualifies_for(register_of):
    register = register_of(approved(upload_links="https://www.instagram.com/p/abc/"))
    plan = register.sync()
    assert [(e.from_status, e.to_status) for e in plan.history] == [
        ("", "Draf"),
        ("Draf", "Menunggu Pemeriksaan"),
        ("Menunggu Pemeriksaan", "Sedang Diperiksa"),
        ("Sedang Diperiksa", "Disetujui"),
        ("Disetujui", "Diunggah"),
    ]


def test_resubmission_after_tolak_archives_the_decision_and_counts_a_revision(register_of):
    register = register_of(rejected())
    register.sync()
    register.edit(0, caption="Caption yang sudah diperbaiki.", handover="Ya")
    register.later(days=1)
    plan = register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.cell("revision") == 1
    assert [register.cell(k) for k in ("reviewer", "decision", "approved_by", "response")] == [None] * 4
    (entry,) = plan.history
    assert entry.code == "resubmit"
    assert entry.archive == (
        "Pemeriksa: Budi Santoso\nKeputusan: TOLAK\nTanggapan Tertulis: Foto kurang jelas; ganti foto 3 dan 4."
    )


def test_resubmission_that_no_longer_passes_step_1_needs_fixing(register_of):
    register = register_of(rejected())
    register.sync()
    register.edit(0, documentation_count=2, handover="Ya")
    register.sync()
    assert register.status() == "Perlu Perbaikan"
    assert register.cell("revision") == 1


# ---------------------------------------------------------------- refusals
def test_decision_without_pemeriksa_is_refused(register_of):
    register = register_of(handed_over(decision="TERIMA", approved_by="Ketua PPID Pembantu"))
    plan = register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert ["Keputusan", "decision-without-reviewer"] in flatten(plan.findings, ["column", "code"])


def test_tolak_without_a_written_response_is_refused(register_of):
    register = register_of(reviewed(decision="TOLAK"))
    plan = register.sync()
    assert register.status() == "Sedang Diperiksa"
    assert flatten(plan.findings, ["column", "code"]) == [["Tanggapan Tertulis", "reject-without-response"]]
    assert register.cell("handover") == "Ya"


def test_terima_without_disetujui_oleh_is_refused(register_of):
    register = register_of(reviewed(decision="TERIMA"))
    plan = register.sync()
    assert register.status() == "Sedang Diperiksa"
    assert flatten(plan.findings, ["column", "code"]) == [["Disetujui Oleh", "approve-without-signoff"]]


def test_decision_on_a_row_not_handed_over_is_refused(register_of):
    register = register_of(submission(reviewer="Budi", decision="TERIMA", approved_by="Ketua PPID Pembantu"))
    plan = register.sync()
    assert register.status() == "Draf"
    assert flatten(plan.findings, ["code"]) == [["decision-not-handed-over"]]


def test_decision_on_a_row_failing_step_1_is_refused(register_of):
    register = register_of(approved(documentation_count=1))
    register.sync()
    assert register.status() == "Perlu Perbaikan"
    assert "Keputusan belum dapat dicatat" in register.notes()


def test_upload_before_approval_is_a_breach_logged_once(register_of):
    register = register_of(handed_over(upload_links="https://www.instagram.com/p/abc/"))
    register.sync()
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.notes().startswith("• PELANGGARAN SOP: Tautan Unggahan diisi sebelum konten disetujui")
    assert register.codes().count("upload-before-approval") == 1


def test_invalid_upload_link_keeps_the_row_approved(register_of):
    register = register_of(approved(upload_links="sudah diunggah"))
    plan = register.sync()
    assert register.status() == "Disetujui"
    assert flatten(plan.findings, ["column", "code"]) == [["Tautan Unggahan", "upload-links-invalid"]]


# ---------------------------------------------------------------- undo
def test_editing_the_submission_after_approval_revokes_it(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, caption="Caption diganti setelah disetujui.")
    plan = register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.cell("revision") == 1
    assert register.cell("fingerprint") is None
    assert [register.cell(k) for k in ("reviewer", "decision", "approved_by")] == [None] * 3
    (entry,) = plan.history
    assert (entry.code, entry.archive) == (
        "approval-revoked",
        "Pemeriksa: Budi Santoso\nKeputusan: TERIMA\nDisetujui Oleh: Ketua PPID Pembantu",
    )


def test_editing_after_upload_is_flagged_and_logged_once_but_not_undone(register_of):
    register = register_of(approved(upload_links="https://www.instagram.com/p/abc/"))
    register.sync()
    register.edit(0, caption="Caption diganti setelah diunggah.")
    register.sync()
    register.sync()
    assert register.status() == "Diunggah"
    assert "Konten diubah setelah diunggah" in register.notes()
    assert register.codes().count("changed-after-upload") == 1


def test_status_typed_by_hand_is_restored_and_logged(register_of):
    register = register_of(handed_over())
    register.sync()
    register.edit(0, status="Disetujui")
    plan = register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    (entry,) = plan.history
    assert (entry.code, entry.from_status, entry.to_status) == ("status-restored", "Disetujui", "Menunggu Pemeriksaan")


def test_copied_row_further_down_gets_a_new_number_and_starts_as_new(register_of):
    register = register_of(approved())
    register.sync()
    register.copy_row(0)
    register.sync()
    assert [register.cell("register_no", i) for i in (0, 1)] == ["2024/0001", "2024/0002"]
    assert register.codes(1)[:2] == ["copy-archived", "create"] and register.codes(1)[-1] == "renumbered"
    assert "salinan dari 2024/0001" in register.notes(1)


UPLOAD = "https://www.instagram.com/p/abc/"
REVIEW_AND_UPLOAD = ("reviewer", "decision", "approved_by", "response", "upload_links")


def test_a_pasted_copy_of_an_uploaded_row_waits_for_its_own_reviewer(register_of):
    register = register_of(approved(upload_links=UPLOAD))
    register.sync()
    register.copy_row(0)
    register.edit(1, activity_name="Kerja bakti Kalurahan Kenteng", caption="Kerja bakti warga Kenteng.")
    register.later(hours=1)
    register.sync()
    assert register.status(1) == "Menunggu Pemeriksaan"
    assert [register.cell(k, 1) for k in REVIEW_AND_UPLOAD] == [None] * 5
    assert not {"take-for-review", "approve", "publish"} & set(register.codes(1))
    assert register.status(0) == "Diunggah"


def test_a_copy_archives_what_it_brought_from_its_source_as_its_first_entry(register_of):
    register = register_of(approved(upload_links=UPLOAD))
    register.sync()
    register.copy_row(0)
    register.sync()
    code, reason, archived = register.logged(1)[0]
    assert code == "copy-archived"
    assert "salinan dari 2024/0001" in reason
    assert archived == (
        "Pemeriksa: Budi Santoso\nKeputusan: TERIMA\nDisetujui Oleh: Ketua PPID Pembantu\n"
        f"Tautan Unggahan: {UPLOAD}"
    )


def test_a_copy_is_decided_on_its_own_afterwards(register_of):
    register = register_of(approved())
    register.sync()
    register.copy_row(0)
    register.sync()
    register.edit(1, reviewer="Siti Aminah", decision="TOLAK", response="Bukan kegiatan yang sama.")
    register.sync()
    assert (register.status(0), register.status(1)) == ("Disetujui", "Ditolak")


def test_a_copy_of_a_draft_has_nothing_to_archive(register_of):
    register = register_of(submission())
    register.sync()
    register.copy_row(0)
    register.sync()
    assert register.codes(1)[0] == "create"


# ---------------------------------------------------------------- a decision changed in the cells
def test_the_decision_and_who_signed_off_are_recorded_in_the_history(register_of):
    register = register_of(approved())
    register.sync()
    assert register.logged()[-1] == (
        "approve", "Keputusan TERIMA.",
        "Pemeriksa: Budi Santoso\nKeputusan: TERIMA\nDisetujui Oleh: Ketua PPID Pembantu",
    )


def test_tolak_after_approval_before_upload_is_a_new_decision(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, decision="TOLAK", response="Foto 2 menampilkan wajah anak; ganti.")
    register.later(hours=3)
    register.sync()
    assert register.status() == "Ditolak"
    assert register.cell("handover") in (None, False)
    assert register.cell("decided_at") == STAMP + timedelta(hours=3)
    code, reason, archived = register.logged()[-1]
    assert code == "decision-changed-to-reject"
    assert "Keputusan: TERIMA → TOLAK." in reason
    assert "Tanggapan Tertulis: Foto 2 menampilkan wajah anak; ganti." in archived
    assert "Disetujui:" not in register.notes()


def test_tolak_after_approval_without_a_response_is_refused(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, decision="TOLAK")
    plan = register.sync()
    assert register.status() == "Disetujui"
    assert flatten(plan.findings, ["column", "code"]) == [["Tanggapan Tertulis", "reject-without-response"]]


def test_terima_after_tolak_on_unchanged_content_approves(register_of):
    register = register_of(rejected())
    register.sync()
    register.edit(0, decision="TERIMA", approved_by="Atasan PPID Pembantu")
    register.later(hours=1)
    register.sync()
    assert register.status() == "Disetujui"
    code, reason, archived = register.logged()[-1]
    assert code == "decision-changed-to-approve"
    assert "Keputusan: TOLAK → TERIMA." in reason
    assert "Disetujui Oleh: Atasan PPID Pembantu" in archived


def test_terima_after_tolak_on_revised_content_waits_for_a_new_hand_over(register_of):
    register = register_of(rejected())
    register.sync()
    register.edit(0, caption="Caption yang sudah diperbaiki.", decision="TERIMA", approved_by="Ketua PPID Pembantu")
    plan = register.sync()
    assert register.status() == "Ditolak"
    assert flatten(plan.findings, ["column", "code"]) == [["Keputusan", "decision-changed-after-revision"]]
    assert not plan.history


def test_a_changed_disetujui_oleh_is_logged_as_a_correction(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, approved_by="Atasan PPID Pembantu")
    register.sync()
    assert register.status() == "Disetujui"
    code, reason, archived = register.logged()[-1]
    assert code == "signoff-corrected"
    assert reason == "Koreksi penyetuju. Disetujui Oleh: Ketua PPID Pembantu → Atasan PPID Pembantu."
    assert "Disetujui Oleh: Atasan PPID Pembantu" in archived
    assert not register.sync().changed


def test_disetujui_oleh_emptied_after_approval_is_refused_naming_the_record(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, approved_by=None)
    register.sync()
    assert register.status() == "Disetujui"
    assert "Riwayat tetap mencatat Ketua PPID Pembantu" in register.notes()
    assert register.codes()[-1] == "approve"


def test_a_decision_changed_after_upload_is_called_out_and_logged_once(register_of):
    register = register_of(approved(upload_links=UPLOAD))
    register.sync()
    register.edit(0, decision="TOLAK", response="Seharusnya tidak diunggah.")
    register.sync()
    register.sync()
    assert register.status() == "Diunggah"
    assert "Keputusan diubah menjadi 'TOLAK' setelah konten diunggah (Riwayat mencatat TERIMA)" in register.notes()
    assert register.codes().count("decision-changed-after-upload") == 1


def test_the_same_decision_retyped_is_no_change(register_of):
    register = register_of(approved())
    register.sync()
    register.edit(0, decision=" terima ", approved_by="ketua ppid pembantu")
    assert not register.sync().history


def test_history_written_before_decisions_were_recorded_gives_no_false_correction():
    register = MemoryRegister.of(approved())
    register.sync()
    # As a register synced by an earlier version holds it: the approval without Arsip.
    register.history = [e._replace(archive="") for e in register.history]
    register.edit(0, approved_by="Atasan PPID Pembantu")
    assert not register.sync().history
    register.edit(0, decision="TOLAK", response="Ganti foto.")
    register.sync()
    assert register.status() == "Ditolak"
    assert "Keputusan: TERIMA → TOLAK." in register.logged()[-1][1]


# ---------------------------------------------------------------- a written response kept whole
RESPONSE = "Foto kurang jelas.\nPemeriksa: mohon dicek ulang\n  - foto 3\n  - foto 4"


def rejection_reasons(register, number: str = "2024/0001") -> list[object]:
    return [row[3] for row in register.report() if len(row) == 4 and row[0] == number]


def test_a_multi_line_response_stays_whole_in_rekap_after_a_resubmission(register_of):
    register = register_of(rejected(response=RESPONSE))
    register.sync()
    register.edit(0, caption="Caption yang sudah diperbaiki.", handover="Ya")
    register.later(hours=1)
    register.sync()
    assert rejection_reasons(register) == [RESPONSE]


def test_a_multi_line_response_is_archived_whole_on_a_resubmission(register_of):
    register = register_of(rejected(response=RESPONSE))
    register.sync()
    register.edit(0, handover="Ya")
    register.sync()
    code, _, archived = register.logged()[-1]
    assert code == "resubmit"
    assert archive.read(archived, [c.header for c in WORKFLOW.columns])["Tanggapan Tertulis"] == RESPONSE


def test_an_archive_written_before_continuation_lines_were_indented_reads_whole():
    legacy = "Pemeriksa: Budi\nKeputusan: TOLAK\nTanggapan Tertulis: Foto kurang jelas.\nCatatan: ganti foto 3"
    assert archive.read(legacy, [c.header for c in WORKFLOW.columns])["Tanggapan Tertulis"] == (
        "Foto kurang jelas.\nCatatan: ganti foto 3"
    )


# ---------------------------------------------------------------- what a note asks for
def test_an_invalid_disetujui_oleh_is_named_not_asked_for(register_of):
    register = register_of(approved(approved_by="Pak Camat"))
    plan = register.sync()
    assert register.status() == "Sedang Diperiksa"
    assert flatten(plan.findings, ["column", "code"]) == [["Disetujui Oleh", "choice-unknown"]]
    assert "isi Disetujui Oleh" not in register.notes()
    assert "'Pak Camat' bukan pilihan" in register.notes()


# ---------------------------------------------------------------- numbering
def test_numbers_run_on_per_activity_year(register_of):
    register = register_of(
        submission(activity_date="3 Juli 2024"),
        submission(activity_date="30/12/2023"),
        submission(activity_date="4 Juli 2024"),
    )
    register.sync()
    assert [register.cell("register_no", i) for i in range(3)] == ["2024/0001", "2023/0001", "2024/0002"]


def test_numbers_of_deleted_rows_are_never_reused(register_of):
    register = register_of(submission(), submission())
    register.sync()
    register.delete_row(1)
    register.add_row(submission())
    register.sync()
    assert register.cell("register_no", 1) == "2024/0003"


def test_rows_without_content_get_no_number(register_of):
    register = register_of({}, {"handover": False, "status": "  "})
    plan = register.sync()
    assert plan.rows == ()


# ---------------------------------------------------------------- timeliness
def test_same_day_steps_are_on_time(register_of):
    register = register_of(approved(upload_links="https://www.instagram.com/p/abc/"))
    register.sync()
    assert register.cell("timeliness") == "Tepat waktu"


def test_late_hand_over_shows_h_plus_days(register_of):
    register = register_of(handed_over(activity_date="1 Juli 2024"))
    register.sync()
    assert register.cell("timeliness") == "Terlambat: diserahkan H+2"


def test_a_step_still_waiting_after_its_day_is_late(register_of):
    register = register_of(handed_over())
    register.sync()
    register.sync(now=DAY_H + timedelta(days=1))
    assert register.cell("timeliness") == "Terlambat: belum diperiksa H+1"


def test_days_are_counted_in_the_register_time_zone(register_of):
    # 23:30 UTC on 2 July is 06:30 on 3 July in WIB: same day as the activity.

    register = register_of(handed_over())
    register.sync(now=datetime(2024, 7, 2, 23, 30, tzinfo=UTC))
    assert register.cell("timeliness") == "Tepat waktu"


# ---------------------------------------------------------------- history
def test_every_status_change_appends_a_history_row(register_of):
    register = register_of(reviewed())
    plan = register.sync()
    take = plan.history[-1]
    assert (take.time, take.register_no, take.from_status, take.to_status, take.role, take.name) == (
        STAMP, "2024/0001", "Menunggu Pemeriksaan", "Sedang Diperiksa",
        "Tim Pertimbangan Pelayanan Informasi", "Budi Santoso",
    )
    assert take.reason == "Mulai diperiksa." and len(take.fingerprint) == 16


def test_a_refused_row_stays_at_the_last_step_it_reached(register_of):
    register = register_of(reviewed(decision="TOLAK"))
    plan = register.sync()
    assert [e.to_status for e in plan.history] == ["Draf", "Menunggu Pemeriksaan", "Sedang Diperiksa"]


def test_second_sync_changes_nothing(register_of):
    register = register_of(submission(), handed_over(caption="x" * 300), rejected(), approved())
    register.sync()
    assert not register.sync().changed
