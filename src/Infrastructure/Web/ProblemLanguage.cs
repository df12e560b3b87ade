using System.Globalization;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Results;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Mitras;
using HaloBestie.Application.Payments;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// The words of problem answers in the two languages the apps speak (issue 20, ADR 0025): the
/// caller's <c>Accept-Language</c> picks <c>id</c> or <c>en</c>; without one of them, app routes
/// answer in Bahasa Indonesia and the control center's routes (<c>/api/internal</c>) in English.
/// <para>
/// English texts are written where the rule is (they may name the record: "Session … was not
/// found"); the Indonesian ones are here, one per problem name and one per <c>code</c>, written
/// for the person holding the phone. Validation messages of FluentValidation's own rules come in
/// Indonesian from FluentValidation's translations; the solution's own rules have a text per
/// <see cref="ValidationCodes">validation code</see>. An app branches on <c>type</c>, <c>code</c>
/// and <c>errorCodes</c>, and shows <c>title</c>, <c>detail</c> and the <c>errors</c> messages.
/// </para>
/// </summary>
public static class ProblemLanguage
{
    public const string Indonesian = "id";
    public const string English = "en";

    private static readonly CultureInfo IndonesianCulture = CultureInfo.GetCultureInfo("id");

    /// <summary>The language of the answer to this request: the first of <c>id</c> and <c>en</c> the caller accepts, by quality.</summary>
    public static string Of(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(ProblemLanguage), out var chosen) && chosen is string language)
            return language;
        language = Choose(context.Request.Headers.AcceptLanguage, context.Request.Path);
        context.Items[typeof(ProblemLanguage)] = language;
        return language;
    }

    public static string Choose(string? acceptLanguage, PathString path)
    {
        var fallback = path.StartsWithSegments("/api/internal") ? English : Indonesian;
        if (string.IsNullOrWhiteSpace(acceptLanguage)
            || !StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var ranges))
            return fallback;
        foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
        {
            var primary = range.Value.Value?.Split('-')[0].ToLowerInvariant();
            // "in" is the old ISO code for Indonesian that older Android versions still send.
            if (primary is "id" or "in")
                return Indonesian;
            if (primary == "en")
                return English;
            if (primary == "*")
                return fallback;
        }
        return fallback;
    }

    /// <summary>Puts the problem's title and detail (and the validation messages) into the request's language.</summary>
    public static void Localize(HttpContext context, ProblemDetails problem)
    {
        var language = Of(context);
        context.Response.Headers.ContentLanguage = language;
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);
        if (language != Indonesian || ProblemCatalog.NameOf(problem) is not { } name)
            return;
        if (Titles.TryGetValue(name, out var title))
            problem.Title = title;
        var code = problem.Extensions.TryGetValue("code", out var c) ? c as string : null;
        if (name == ProblemCatalog.RateLimited && int.TryParse(context.Response.Headers.RetryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            problem.Detail = $"Terlalu banyak permintaan; coba lagi setelah {seconds} detik.";
        else if (code is not null && CodeDetails.TryGetValue(code, out var detail) || NameDetails.TryGetValue(name, out detail))
            problem.Detail = detail;
    }

    /// <summary>One validation failure's message in <paramref name="language"/>.</summary>
    public static string MessageOf(ValidationFailure failure, string language)
    {
        if (language != Indonesian)
            return failure.ErrorMessage;
        if (ValidationTexts.TryGetValue(failure.ErrorCode ?? "", out var text))
            return text;
        // FluentValidation's own rules: its Indonesian template with the same placeholder values.
        var template = ValidatorOptions.Global.LanguageManager.GetString(failure.ErrorCode, IndonesianCulture);
        if (string.IsNullOrEmpty(template) || failure.FormattedMessagePlaceholderValues is not { } values)
            return failure.ErrorMessage;
        var formatter = new MessageFormatter();
        foreach (var (key, value) in values)
            formatter.AppendArgument(key, value);
        return formatter.BuildMessage(template);
    }

    /// <summary>
    /// The stable code of a validation failure: the solution's own (<see cref="ValidationCodes"/>),
    /// or one named after FluentValidation's rule (<c>NotEmptyValidator</c> → <c>required</c>).
    /// </summary>
    public static string CodeOf(ValidationFailure failure) => failure.ErrorCode switch
    {
        null or "" => ValidationCodes.Invalid,
        "NotEmptyValidator" or "NotNullValidator" => ValidationCodes.Required,
        "MaximumLengthValidator" => "too-long",
        "MinimumLengthValidator" => "too-short",
        "LengthValidator" or "ExactLengthValidator" => "length",
        "InclusiveBetweenValidator" or "ExclusiveBetweenValidator" or "GreaterThanValidator" or "GreaterThanOrEqualValidator"
            or "LessThanValidator" or "LessThanOrEqualValidator" => "out-of-range",
        "NullValidator" or "EmptyValidator" => "not-allowed",
        "EmailValidator" => "email",
        "EnumValidator" => ValidationCodes.UnknownValue,
        "PredicateValidator" or "AsyncPredicateValidator" => ValidationCodes.Invalid,
        var code when code.EndsWith("Validator", StringComparison.Ordinal) => Kebab(code[..^"Validator".Length]),
        var code => code,
    };

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    /// <summary>Every problem name's title in Bahasa Indonesia.</summary>
    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>
    {
        [ProblemNames.Validation] = "Permintaan tidak valid.",
        [ProblemNames.Unauthorized] = "Perlu masuk terlebih dahulu.",
        [ProblemNames.InvalidCredentials] = "Email atau kata sandi salah.",
        [ProblemNames.Forbidden] = "Tindakan ini tidak diizinkan.",
        [ProblemNames.RegistrationRequired] = "Perlu mendaftar terlebih dahulu.",
        [ProblemNames.PaymentRequired] = "Perlu kredit sesi.",
        [ProblemNames.Suspended] = "Akun ditangguhkan.",
        [ProblemNames.NotAMitra] = "Bukan akun mitra.",
        [ProblemNames.MitraInactive] = "Akun mitra tidak aktif.",
        [ProblemNames.NotFound] = "Tidak ditemukan.",
        [ProblemNames.AlreadySearching] = "Pencarian bestie sedang berjalan.",
        [ProblemNames.AlreadyInSession] = "Sesi sedang berjalan.",
        [ProblemNames.AlreadyTaken] = "Sudah diterima mitra lain.",
        [ProblemNames.RequestClosed] = "Permintaan sudah ditutup.",
        [ProblemNames.CapacityFull] = "Kapasitas mitra penuh.",
        [ProblemNames.MitraUnavailable] = "Mitra tidak tersedia.",
        [ProblemNames.SessionEnded] = "Sesi sudah berakhir.",
        [ProblemNames.Conflict] = "Bertentangan dengan keadaan saat ini.",
        [ProblemNames.AlreadyRated] = "Sesi sudah dinilai.",
        [ProblemNames.SessionActive] = "Sesi masih berjalan.",
        [ProblemNames.ReauthenticationRequired] = "Perlu masuk ulang.",
        [ProblemNames.LockedOut] = "Akun terkunci sementara.",
        [ProblemCatalog.MethodNotAllowed] = "Metode tidak diizinkan pada rute ini.",
        [ProblemCatalog.PayloadTooLarge] = "Isi permintaan terlalu besar.",
        [ProblemCatalog.UnsupportedMediaType] = "Isi permintaan harus JSON.",
        [ProblemCatalog.RateLimited] = "Terlalu banyak permintaan.",
        [ProblemCatalog.ServiceUnavailable] = "Layanan sedang tidak tersedia.",
        [PaymentProblems.ProviderUnavailable] = "Pembayaran sedang tidak tersedia.",
        [ProblemCatalog.Internal] = "Terjadi kesalahan tak terduga.",
    };

    /// <summary>Every problem name's detail in Bahasa Indonesia, for a problem without a code.</summary>
    public static readonly IReadOnlyDictionary<string, string> NameDetails = new Dictionary<string, string>
    {
        [ProblemNames.Validation] = "Periksa kembali isian yang ditandai.",
        [ProblemNames.Unauthorized] = "Sesi masuk Anda tidak berlaku lagi; masuk kembali lalu coba lagi.",
        [ProblemNames.InvalidCredentials] = "Periksa email dan kata sandi Anda.",
        [ProblemNames.Forbidden] = "Anda tidak diizinkan melakukan ini.",
        [ProblemNames.RegistrationRequired] = "Daftarkan akun Anda untuk melanjutkan.",
        [ProblemNames.PaymentRequired] = "Sesi gratis dan kredit Anda sudah habis; beli paket untuk melanjutkan.",
        [ProblemNames.Suspended] = "Akun Anda ditangguhkan; hubungi pusat layanan Halo Bestie.",
        [ProblemNames.NotAMitra] = "Nomor ini tidak terdaftar sebagai mitra; hubungi pusat layanan Halo Bestie.",
        [ProblemNames.MitraInactive] = "Akun mitra Anda tidak aktif; hubungi pusat layanan Halo Bestie.",
        [ProblemNames.NotFound] = "Data yang diminta tidak ditemukan.",
        [ProblemNames.AlreadySearching] = "Anda sudah sedang mencari bestie.",
        [ProblemNames.AlreadyInSession] = "Anda sedang berada dalam sesi.",
        [ProblemNames.AlreadyTaken] = "Permintaan ini sudah diterima mitra lain.",
        [ProblemNames.RequestClosed] = "Permintaan ini sudah tidak aktif.",
        [ProblemNames.CapacityFull] = "Anda sedang melayani jumlah sesi terbanyak yang diizinkan.",
        [ProblemNames.MitraUnavailable] = "Mitra yang dipilih sedang tidak tersedia.",
        [ProblemNames.SessionEnded] = "Sesi ini sudah berakhir.",
        [ProblemNames.Conflict] = "Data ini berubah pada saat yang sama; muat ulang lalu coba lagi.",
        [ProblemNames.AlreadyRated] = "Anda sudah memberi nilai untuk sesi ini.",
        [ProblemNames.SessionActive] = "Sesi masih berjalan; beri nilai setelah sesi berakhir.",
        [ProblemNames.ReauthenticationRequired] = "Untuk menghapus akun, masuk kembali terlebih dahulu (dalam 5 menit terakhir), lalu ulangi.",
        [ProblemNames.LockedOut] = "Terlalu banyak percobaan masuk yang gagal; coba lagi nanti.",
        [ProblemCatalog.MethodNotAllowed] = "Rute ini tidak menerima metode HTTP tersebut.",
        [ProblemCatalog.PayloadTooLarge] = "Isi permintaan melebihi 64 KiB.",
        [ProblemCatalog.UnsupportedMediaType] = "Kirim isi permintaan sebagai application/json.",
        [ProblemCatalog.RateLimited] = "Terlalu banyak permintaan; tunggu sesuai Retry-After lalu coba lagi.",
        [ProblemCatalog.ServiceUnavailable] = "Layanan sedang sibuk atau tidak tersedia; coba lagi sebentar lagi.",
        [PaymentProblems.ProviderUnavailable] = "Pembayaran sedang tidak tersedia; coba lagi nanti.",
        [ProblemCatalog.Internal] = "Terjadi kesalahan tak terduga; coba lagi.",
    };

    /// <summary>Every problem code's detail in Bahasa Indonesia (<see cref="ProblemCodes"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> CodeDetails = new Dictionary<string, string>
    {
        [ProblemCodes.SessionRequired] = "Selesaikan proses masuk terlebih dahulu.",
        [ProblemCodes.MitraAccount] = "Akun ini milik mitra; gunakan aplikasi mitra.",
        [ProblemCodes.MitraOffline] = "Anda sedang offline; aktifkan status online terlebih dahulu.",
        [ProblemCodes.Retry] = "Data ini berubah pada saat yang sama; muat ulang lalu coba lagi.",
        [ProblemCodes.Duplicate] = "Nilai ini sudah dipakai.",
        [ProblemCodes.TokenAnonymous] = "Akun masih berstatus tamu; hubungkan akun Anda lalu coba lagi.",
        [ProblemCodes.MessageIdReused] = "ID pesan ini sudah dipakai untuk pesan lain; pesan baru perlu ID baru.",
        [ProblemCodes.IdempotencyKeyReused] = "Idempotency-Key ini sudah dipakai untuk paket lain.",
        [ProblemCodes.AlreadyAcknowledged] = "Tanda risiko ini sudah ditindaklanjuti.",
        [ProblemCodes.SameMitra] = "Sesi ini sudah ditangani mitra tersebut.",
        [ProblemCodes.LastAdmin] = "Ini admin aktif terakhir; jadikan staf lain admin terlebih dahulu.",
        [ProblemCodes.EmailTaken] = "Email ini sudah dipakai akun lain.",
        [ProblemCodes.PhoneTaken] = "Nomor telepon ini sudah dipakai mitra lain.",
        [ValidationCodes.MalformedBody] = "Isi permintaan bukan JSON yang valid untuk rute ini.",
        [ValidationCodes.NulCharacter] = "Isi permintaan memuat karakter yang tidak dapat disimpan (U+0000).",
    };

    /// <summary>The validation messages of the solution's own rules in Bahasa Indonesia, by <see cref="ValidationCodes">code</see>.</summary>
    public static readonly IReadOnlyDictionary<string, string> ValidationTexts = new Dictionary<string, string>
    {
        [ValidationCodes.Required] = "Wajib diisi.",
        [ValidationCodes.Invalid] = "Nilai ini tidak valid.",
        [ValidationCodes.UnknownValue] = "Nilai ini tidak dikenal.",
        [ValidationCodes.NotUnicode] = "Teks ini bukan teks Unicode yang valid.",
        [ValidationCodes.DisplayNameLength] = $"Nama panggilan terdiri dari {DisplayName.MinLength} sampai {DisplayName.MaxLength} karakter.",
        [ValidationCodes.DisplayNameCharacter] = "Nama panggilan hanya boleh berisi huruf, angka, spasi, dan . _ -",
        [ValidationCodes.DisplayNameControlCharacter] = "Nama panggilan tidak boleh berisi karakter kontrol (tab, baris baru…).",
        [ValidationCodes.TextRequired] = "Pesan tidak boleh kosong.",
        [ValidationCodes.TextTooLong] = $"Pesan paling banyak {ConversationDecisions.MaxTextLength} karakter.",
        [ValidationCodes.TextControlCharacter] = "Pesan tidak boleh berisi karakter kontrol selain baris baru (\\n) dan tab.",
        [ValidationCodes.StarsRange] = "Nilai terdiri dari 1 sampai 5 bintang.",
        [ValidationCodes.CommentTooLong] = $"Komentar paling banyak {SessionDecisions.MaxRatingCommentLength} karakter.",
        [ValidationCodes.BeforeAndAfter] = "Isi 'before' atau 'after', jangan keduanya.",
        [ValidationCodes.IdempotencyKeyFormat] = $"Idempotency-Key berisi 1 sampai {StartPayment.MaxIdempotencyKeyLength} karakter ASCII yang terlihat (sebaiknya UUID).",
        [ValidationCodes.PhoneFormat] = "Nomor telepon harus dalam format E.164 (+62…) atau format nasional Indonesia (08…).",
        [ValidationCodes.TooMany] = "Jumlah isian di luar batas yang diizinkan.",
        [ValidationCodes.NotUnique] = "Setiap isian harus berbeda.",
        [ValidationCodes.TimeZone] = "Zona waktu harus zona IANA, misalnya Asia/Jakarta.",
        [ValidationCodes.VersionFormat] = "Versi ditulis mayor.minor.patch, misalnya 1.4.0.",
        [ValidationCodes.TimeoutBelowInterval] = "Batas waktu heartbeat harus lebih besar dari interval heartbeat.",
        [ValidationCodes.WindowTooLong] = $"Paling banyak {GetMitraOnlineLogs.MaxWindow.TotalDays} hari sekaligus.",
        [ValidationCodes.PhraseLength] = $"Frasa terdiri dari 1 sampai {RiskPhrases.MaxPhraseLength} karakter.",
        [ValidationCodes.PhraseNeedsLetter] = "Frasa harus memuat setidaknya satu huruf.",
        [ValidationCodes.CrisisResourceLength] = $"Sumber bantuan krisis terdiri dari 1 sampai {UpdateSettings.MaxCrisisResourceLength} karakter.",
        [ValidationCodes.InstallationIdFormat] = $"ID instalasi berisi 1 sampai {Domain.Devices.Device.MaxInstallationIdLength} karakter ASCII yang terlihat.",
        [ValidationCodes.FcmTokenFormat] = $"Token FCM berisi 1 sampai {Domain.Devices.Device.MaxTokenLength} karakter ASCII yang terlihat.",
    };
}
