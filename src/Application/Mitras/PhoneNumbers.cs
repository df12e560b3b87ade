using PhoneNumbers;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// Phone numbers are stored in E.164 so that the number staff type ("0812 3456 7890") and the
/// one Firebase puts in a token ("+6281234567890") compare equal. Numbers without a country
/// code are read as Indonesian.
/// </summary>
public static class PhoneNumbers
{
    private const string DefaultRegion = "ID";
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
            return false;
        try
        {
            var number = Util.Parse(input, DefaultRegion);
            if (!Util.IsValidNumber(number))
                return false;
            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public static string Normalize(string input) =>
        TryNormalize(input, out var e164) ? e164 : throw new ArgumentException("Not a valid phone number.", nameof(input));
}
