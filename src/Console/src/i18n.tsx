// The console's words: Bahasa Indonesia first, English switchable (kept in localStorage).
import { useEffect, useState } from "react";
import { setLanguage } from "./api";
import type { Problem } from "./api";
import { setLocale } from "./format";

const words = {
  "app.title": ["Pusat Kendali", "Control Center"],
  "nav.label": ["Menu utama", "Main menu"],
  "nav.skip": ["Lewati ke isi", "Skip to content"],
  "nav.dashboard": ["Dasbor", "Dashboard"],
  "nav.mitras": ["Mitra", "Mitras"],
  "nav.clients": ["Klien", "Clients"],
  "nav.pairing": ["Permintaan curhat", "Pairing requests"],
  "nav.sessions": ["Sesi", "Sessions"],
  "nav.risk": ["Tanda risiko", "Risk flags"],
  "nav.settings": ["Pengaturan", "Settings"],
  "nav.packages": ["Paket", "Packages"],
  "nav.staff": ["Akun staf", "Staff accounts"],
  "nav.audit": ["Log audit", "Audit log"],
  "nav.logout": ["Keluar", "Log out"],
  "role.admin": ["admin", "admin"],
  "role.operator": ["operator", "operator"],
  "denied.title": ["Tidak diizinkan", "Not allowed"],
  "denied.body": ["Halaman ini hanya untuk admin.", "This page is for admins only."],
  "notfound.title": ["Halaman tidak ditemukan", "Page not found"],
  "login.email": ["Email", "Email"],
  "login.password": ["Kata sandi", "Password"],
  "login.submit": ["Masuk", "Log in"],
  "login.again": ["Sesi Anda berakhir. Silakan masuk lagi.", "Your session ended. Please log in again."],
  "common.all": ["Semua", "All"],
  "common.yes": ["Ya", "Yes"],
  "common.no": ["Tidak", "No"],
  "common.search": ["Cari", "Search"],
  "common.status": ["Status", "Status"],
  "common.create": ["Buat", "Create"],
  "common.created": ["Dibuat", "Created"],
  "common.edit": ["Ubah", "Edit"],
  "common.save": ["Simpan", "Save"],
  "common.saved": ["Tersimpan.", "Saved."],
  "common.cancel": ["Batal", "Cancel"],
  "common.reason": ["Alasan", "Reason"],
  "common.reasonOptional": ["Alasan (opsional)", "Reason (optional)"],
  "common.from": ["Dari", "From"],
  "common.to": ["Sampai", "To"],
  "common.date": ["Tanggal", "Date"],
  "common.show": ["Tampilkan", "Show"],
  "common.open": ["Buka", "Open"],
  "common.since": ["sejak", "since"],
  "common.loading": ["Memuat…", "Loading…"],
  "common.prev": ["Sebelumnya", "Previous"],
  "common.next": ["Berikutnya", "Next"],
  "common.page": ["Halaman", "Page"],
  "common.refreshing": ["Diperbarui tiap 2 detik", "Refreshed every 2 seconds"],
  "common.commaSeparated": ["Pisahkan dengan koma", "Separate with commas"],
  "common.onePerLine": ["Satu per baris", "One per line"],
  "dash.live": ["Langsung", "Live"],
  "dash.reconnecting": ["Menyambung ulang…", "Reconnecting…"],
  "dash.at": ["dihitung", "computed"],
  "dash.now": ["Saat ini", "Now"],
  "dash.today": ["Hari ini", "Today"],
  "dash.mitrasOnline": ["Mitra online", "Mitras online"],
  "dash.mitrasAvailable": ["Mitra tersedia", "Mitras available"],
  "dash.mitrasAtCapacity": ["Mitra penuh", "Mitras at capacity"],
  "dash.mitrasInBackground": ["Mitra di latar belakang", "Mitras in background"],
  "dash.clientsSearching": ["Klien mencari", "Clients searching"],
  "dash.activeSessions": ["Sesi aktif", "Active sessions"],
  "dash.openRiskFlags": ["Tanda risiko terbuka", "Open risk flags"],
  "dash.pairingRequests": ["Permintaan", "Requests"],
  "dash.matched": ["Terpasang", "Matched"],
  "dash.expired": ["Kedaluwarsa", "Expired"],
  "dash.cancelled": ["Dibatalkan", "Cancelled"],
  "dash.matchRate": ["Tingkat terpasang", "Match rate"],
  "dash.medianWait": ["Median tunggu", "Median wait"],
  "dash.p90Wait": ["Tunggu p90", "p90 wait"],
  "dash.sessionsEnded": ["Sesi selesai", "Sessions ended"],
  "dash.averageSession": ["Rata-rata lama sesi", "Average session"],
  "dash.messages": ["Pesan", "Messages"],
  "dash.averageRating": ["Rata-rata rating", "Average rating"],
  "mitra.new": ["Mitra baru", "New mitra"],
  "mitra.fullName": ["Nama lengkap", "Full name"],
  "mitra.alias": ["Alias", "Alias"],
  "mitra.phone": ["Nomor telepon", "Phone number"],
  "mitra.bio": ["Bio", "Bio"],
  "mitra.specialties": ["Keahlian", "Specialties"],
  "mitra.active": ["Aktif", "Active"],
  "mitra.online": ["Online", "Online"],
  "mitra.offline": ["Offline", "Offline"],
  "mitra.available": ["Tersedia", "Available"],
  "mitra.full": ["Penuh", "Full"],
  "mitra.sessions": ["Sesi / kapasitas", "Sessions / capacity"],
  "mitra.override": ["khusus", "override"],
  "mitra.signedIn": ["Sudah masuk di aplikasi", "Signed in on the app"],
  "mitra.rating": ["Rating", "Rating"],
  "mitra.deactivate": ["Nonaktifkan", "Deactivate"],
  "mitra.activate": ["Aktifkan", "Activate"],
  "mitra.deactivateHint": ["Sesi aktifnya tidak diakhiri atau dipindahkan: alihkan atau akhiri sendiri.", "Its active sessions are not ended or moved: reroute or end them."],
  "mitra.capacity": ["Kapasitas", "Capacity"],
  "mitra.capacityOverride": ["Maks. klien (kosong = bawaan)", "Max clients (empty = default)"],
  "mitra.capacityHint": ["1–20", "1–20"],
  "mitra.forceOffline": ["Paksa offline", "Force offline"],
  "mitra.forcedOffline": ["Mitra dibuat offline.", "The mitra was forced offline."],
  "mitra.wasOffline": ["Mitra memang sudah offline (tetap dicatat).", "The mitra was already offline (recorded anyway)."],
  "mitra.onlineLogs": ["Log online", "Online logs"],
  "mitra.dailyTotals": ["Total harian", "Daily totals"],
  "mitra.periods": ["Periode", "Periods"],
  "mitra.onlineAt": ["Online", "Online at"],
  "mitra.offlineAt": ["Offline", "Offline at"],
  "mitra.onlineTime": ["Lama online", "Time online"],
  "mitra.stillOnline": ["masih online", "still online"],
  "client.name": ["Nama", "Name"],
  "client.deleted": ["Klien terhapus", "Deleted client"],
  "session.erased": ["Percakapan dihapus", "Conversation erased"],
  "session.erasedText": ["(teks dihapus)", "(text erased)"],
  "client.contact": ["Kontak", "Contact"],
  "client.registered": ["Terdaftar", "Registered"],
  "client.active": ["Aktif", "Active"],
  "client.suspended": ["Ditangguhkan", "Suspended"],
  "client.entitlements": ["Hak sesi", "Entitlements"],
  "client.trial": ["uji coba", "trial"],
  "client.credits": ["kredit", "credits"],
  "client.signIn": ["Cara masuk", "Sign-in"],
  "client.payments": ["Pembayaran (20 terakhir)", "Payments (latest 20)"],
  "client.suspend": ["Tangguhkan", "Suspend"],
  "client.reinstate": ["Pulihkan", "Reinstate"],
  "client.suspendHint": ["Permintaan yang sedang mencari dibatalkan; sesi aktif tidak diakhiri.", "A searching request is cancelled; an active session is not ended."],
  "pairing.searching": ["Mencari", "Searching"],
  "pairing.matched": ["Terpasang", "Matched"],
  "pairing.cancelled": ["Dibatalkan", "Cancelled"],
  "pairing.expired": ["Kedaluwarsa", "Expired"],
  "pairing.requestedAt": ["Diminta", "Requested"],
  "pairing.topic": ["Topik", "Topic"],
  "pairing.offered": ["Ditawarkan", "Offered"],
  "pairing.declined": ["ditolak", "declined"],
  "pairing.expiresAt": ["Batas waktu", "Expires"],
  "pairing.client": ["Klien", "Client"],
  "pairing.session": ["Sesi", "Session"],
  "session.active": ["Aktif", "Active"],
  "session.ended": ["Selesai", "Ended"],
  "session.mitraId": ["ID mitra", "Mitra id"],
  "session.clientId": ["ID klien", "Client id"],
  "session.startedAt": ["Mulai", "Started"],
  "session.endsAt": ["Berakhir pada", "Ends at"],
  "session.endedAt": ["Diakhiri", "Ended"],
  "session.end": ["Akhir", "End"],
  "session.mitra": ["Mitra", "Mitra"],
  "session.client": ["Klien", "Client"],
  "session.reroutes": ["Pengalihan", "Reroutes"],
  "session.messages": ["Pesan (seq terakhir)", "Messages (last seq)"],
  "session.paidWith": ["Dibayar dengan", "Paid with"],
  "session.audit": ["Audit sesi", "Session audit"],
  "session.timeline": ["Riwayat dan percakapan", "History and conversation"],
  "session.historyAudited": ["Setiap pembukaan riwayat dicatat di log audit.", "Every opening of the history is recorded in the audit log."],
  "session.openHistory": ["Buka riwayat", "Open history"],
  "session.reloadHistory": ["Muat ulang riwayat", "Reload history"],
  "session.stateHere": ["Keadaan di titik ini", "State at this point"],
  "session.stateAt": ["Keadaan pada suatu saat", "State at a moment"],
  "session.moment": ["Saat", "Moment"],
  "session.rerouted": ["Dialihkan", "Rerouted"],
  "session.readMark": ["Dibaca sampai", "Read up to"],
  "session.reroute": ["Alihkan", "Reroute"],
  "session.toMitra": ["Ke mitra (online)", "To mitra (online)"],
  "session.force": ["dipaksa", "forced"],
  "session.forceHint": ["Paksa melewati kapasitas", "Force past capacity"],
  "session.endTitle": ["Akhiri sesi", "End session"],
  "session.endReason": ["Alasan (untuk catatan)", "Reason (for the record)"],
  "session.endMessage": ["Pesan untuk klien dan mitra", "Message to the client and the mitra"],
  "session.endMessageHint": ["Opsional; klien membacanya.", "Optional; the client reads it."],
  "sender.client": ["Klien", "Client"],
  "sender.mitra": ["Mitra", "Mitra"],
  "sender.system": ["Sistem", "System"],
  "risk.open": ["Terbuka", "Open"],
  "risk.acknowledged": ["Ditangani", "Acknowledged"],
  "risk.raisedAt": ["Muncul", "Raised"],
  "risk.phrase": ["Frasa", "Phrase"],
  "risk.note": ["Catatan", "Note"],
  "risk.acknowledge": ["Tandai ditangani", "Acknowledge"],
  "settings.readOnly": ["Hanya admin yang dapat mengubah pengaturan.", "Only admins can change the settings."],
  "settings.maxCustomersPerMitra": ["Maks. klien per mitra", "Max clients per mitra"],
  "settings.pairingTimeoutSeconds": ["Batas waktu pencarian (detik)", "Pairing timeout (seconds)"],
  "settings.heartbeatIntervalSeconds": ["Interval heartbeat (detik)", "Heartbeat interval (seconds)"],
  "settings.heartbeatTimeoutSeconds": ["Batas heartbeat (detik)", "Heartbeat timeout (seconds)"],
  "settings.sessionDurationMinutes": ["Lama sesi (menit)", "Session length (minutes)"],
  "settings.trialSessions": ["Sesi uji coba", "Trial sessions"],
  "settings.backgroundReachableMinutes": ["Terjangkau di latar belakang (menit)", "Reachable in background (minutes)"],
  "settings.timeZone": ["Zona waktu", "Time zone"],
  "settings.transcriptRetentionDays": ["Simpan percakapan (hari, 0 = selamanya)", "Keep conversations (days, 0 = forever)"],
  "settings.topics": ["Topik", "Topics"],
  "settings.crisisResources": ["Sumber bantuan krisis", "Crisis resources"],
  "settings.showClientDisplayName": ["Mitra melihat nama klien", "Mitras see the client's name"],
  "settings.showMitraFullName": ["Klien melihat nama lengkap mitra", "Clients see the mitra's full name"],
  "settings.riskPhrases": ["Frasa risiko", "Risk phrases"],
  "package.name": ["Nama", "Name"],
  "package.sessions": ["Sesi", "Sessions"],
  "package.price": ["Harga (IDR)", "Price (IDR)"],
  "package.active": ["Aktif", "Active"],
  "package.retired": ["Dihentikan", "Retired"],
  "package.new": ["Paket baru", "New package"],
  "staff.name": ["Nama", "Name"],
  "staff.role": ["Peran", "Role"],
  "staff.new": ["Akun staf baru", "New staff account"],
  "staff.newPassword": ["Kata sandi baru (opsional)", "New password (optional)"],
  "staff.passwordHint": ["12–128 karakter", "12–128 characters"],
  "audit.at": ["Waktu", "Time"],
  "audit.staff": ["Staf", "Staff"],
  "audit.staffId": ["ID staf", "Staff id"],
  "audit.action": ["Tindakan", "Action"],
  "audit.target": ["Sasaran", "Target"],
  "audit.detail": ["Rincian", "Detail"],
  "problem.invalid-credentials": ["Email atau kata sandi salah.", "The email or password is not correct."],
  "problem.locked-out": ["Akun terkunci setelah 5 kali gagal.", "The account is locked after 5 failed attempts."],
  "problem.rate-limited": ["Terlalu banyak percobaan. Coba lagi dalam {n} detik.", "Too many attempts. Try again in {n} seconds."],
  "problem.validation": ["Periksa isian yang ditandai.", "Check the marked fields."],
  "problem.forbidden": ["Tidak diizinkan.", "Not allowed."],
  "problem.not-found": ["Tidak ditemukan.", "Not found."],
  "problem.conflict": ["Data berubah bersamaan. Muat ulang dan coba lagi.", "Someone changed this at the same moment. Reload and try again."],
  "problem.network": ["Server tidak terjangkau.", "The server cannot be reached."],
  "problem.service-unavailable": ["Layanan sementara tidak tersedia. Coba lagi sebentar.", "The service is unavailable for a moment. Try again shortly."],
  "problem.other": ["Terjadi kesalahan", "Something went wrong"],
} as const;

export type Key = keyof typeof words;
type Lang = "id" | "en";

let lang: Lang = localStorage.getItem("halobestie.console.lang") === "en" ? "en" : "id";
const listeners = new Set<() => void>();
apply();

function apply(): void {
  setLanguage(lang);
  setLocale(lang);
  document.documentElement.lang = lang;
}

export function t(key: Key): string {
  return words[key][lang === "id" ? 0 : 1];
}

export function useLanguage(): Lang {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((x) => x + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return lang;
}

export function switchLanguage(to: Lang): void {
  lang = to;
  localStorage.setItem("halobestie.console.lang", to);
  apply();
  for (const l of listeners) l();
}

export function LanguageSwitch() {
  const current = useLanguage();
  const other: Lang = current === "id" ? "en" : "id";
  return (
    <button type="button" className="lang" onClick={() => switchLanguage(other)} lang={other} aria-label={other === "en" ? "Switch to English" : "Ganti ke Bahasa Indonesia"}>
      {other === "en" ? "English" : "Bahasa Indonesia"}
    </button>
  );
}

/** What to tell staff about a problem: our words for the common ones, the API's detail (in the same language) otherwise. */
export function problemText(p: Problem): string {
  const key = `problem.${p.name}` as Key;
  if (key in words) {
    let text = t(key).replace("{n}", String(p.retryAfter ?? "?"));
    if (p.name === "locked-out" && p.detail) text += " " + p.detail;
    return text;
  }
  return p.detail ? p.detail : `${t("problem.other")} (${p.status} ${p.name})`;
}
