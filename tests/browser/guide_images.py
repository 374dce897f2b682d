"""The screenshots of the browser journey, by name, and the images the
guides in docs/panduan/ use.

The journey takes exactly the shots listed here (it fails on a name that is
not listed, and on a listed name it did not take); the guides may use only
these names. So a guide cannot point at a screen the journey no longer
shows, and ``scripts/update_guides.py`` can regenerate every image a guide
uses. Imports nothing from Django or Playwright: the check of the guides
runs without either.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "panduan"
IMAGES = GUIDES / "gambar"
EXTENSION = ".jpg"

# Name: what the shot shows, in the order the journey takes them.
SHOTS: dict[str, str] = {
    "masuk": "Halaman masuk dengan nama pengguna dan kata sandi",
    "admin-aturan-periode": "Aturan verifikasi periode, SKTM diperiksa di Dinas",
    "operator-beranda": "Beranda operator sekolah",
    "operator-unggah": "Halaman unggah Daftar Peserta Didik, berkas dipilih",
    "operator-kemajuan": "Bilah kemajuan saat berkas diperiksa",
    "operator-hasil-unggahan": "Hasil pemeriksaan: jumlah baris dan baris bergalat",
    "operator-pilih-calon": "Memilih calon penerima, alasan untuk siswa tanpa DTKS",
    "operator-usulan-terkirim": "Usulan terkirim ke Dinas",
    "operator-ponsel-usulan": "Halaman usulan di layar ponsel",
    "verifikator-beranda": "Beranda verifikator: usulan menunggu",
    "verifikator-antrean": "Antrean verifikasi",
    "verifikator-usulan": "Usulan sekolah dengan aturan per calon",
    "verifikator-tolak": "Menolak calon dengan alasan",
    "verifikator-kembalikan": "Mengembalikan calon ke sekolah dengan catatan",
    "verifikator-tinjauan-dtks": "Tinjauan DTKS: membandingkan siswa dengan DTKS",
    "verifikator-setujui-massal": "Persetujuan massal",
    "verifikator-selesai": "Usulan setelah semua calon diputuskan",
    "operator-keputusan-dinas": "Keputusan Dinas di halaman sekolah",
    "admin-batch-daftar": "Daftar batch bank dan calon yang menunggu",
    "admin-batch-buat": "Membuat draf batch",
    "admin-batch-kirim": "Memeriksa dan mengirim batch ke Bank Kalsel",
    "admin-batch-terkirim": "Batch terkirim dengan berkasnya",
    "bank-batch": "Batch di halaman petugas bank, dengan tombol unduh",
    "bank-pratinjau-balasan": "Pratinjau berkas balasan sebelum diterapkan",
    "bank-balasan-diterapkan": "Batch setelah berkas balasan diterapkan",
    "bank-kartu-batch": "Kartu batch: terbitkan nomor kartu dan buat PDF",
    "bank-membuat-pdf": "Bilah kemajuan pembuatan PDF kartu",
    "bank-pdf-kartu": "PDF kartu siap diunduh, konfirmasi cetak",
    "bank-cetak-dikonfirmasi": "Pencetakan dikonfirmasi",
    "admin-ditolak-bank": "Siswa yang ditolak bank",
    "operator-penyerahan": "Daftar kartu sekolah, kartu dicentang",
    "operator-penyerahan-gagal": "Mencatat kartu yang belum dapat diserahkan",
    "operator-penyerahan-selesai": "Daftar kartu setelah penyerahan dicatat",
    "kepala-beranda": "Beranda Kepala Dinas",
    "kepala-dasbor": "Dasbor SOP: jumlah dan waktu setiap langkah",
    "kepala-laporan": "Laporan perkembangan program",
    "orang-tua-formulir": "Cek status di ponsel: NISN, tanggal lahir, soal hitungan",
    "orang-tua-hasil": "Hasil cek status: kartu sudah diterima",
}

_REFERENCE = re.compile(r"\]\(gambar/([^)\s]+)\)")


def guide_files() -> list[Path]:
    return sorted(GUIDES.glob("*.md"))


def referenced_images() -> dict[str, list[str]]:
    """Every image file name a guide uses, with the guides that use it."""
    found: dict[str, list[str]] = {}
    for guide in guide_files():
        for name in _REFERENCE.findall(guide.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(guide.name)
    return found


def shot_of(file_name: str) -> str | None:
    """The shot a guide's image file is, or None if it is none of them."""
    stem = file_name.removesuffix(EXTENSION)
    if file_name.endswith(EXTENSION) and stem in SHOTS:
        return stem
    return None
