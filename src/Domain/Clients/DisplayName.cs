using System.Globalization;
using System.Text;

namespace HaloBestie.Domain.Clients;

/// <summary>
/// The nickname rules of PRODUCT.md §1: 3–30 characters counted as a reader counts them (text
/// elements, so "é" written with a combining accent is one), letters and digits of any script,
/// spaces and <c>. _ -</c>; trimmed of spaces, inner runs of spaces collapsed to one, stored in
/// Unicode normal form C. A space is any space separator (Unicode category Zs: the ASCII space,
/// no-break space, em space…). No control characters (category Cc: tab, line feed, carriage
/// return, NUL, U+0085…), line or paragraph separators, symbols or emoji: they are refused, not
/// turned into spaces.
/// </summary>
public static class DisplayName
{
    public const int MinLength = 3;
    public const int MaxLength = 30;

    public static bool TryNormalize(string? input, out string normalized, out Refusal? error)
    {
        normalized = "";
        if (input is null)
        {
            error = new(ValidationCodes.Required, "A display name is required.");
            return false;
        }
        if (input.Length > MaxLength * 8)
        {
            error = new(ValidationCodes.DisplayNameLength, $"A display name has at most {MaxLength} characters.");
            return false;
        }

        string text;
        try
        {
            text = input.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            error = new(ValidationCodes.NotUnicode, "The display name is not valid Unicode text.");
            return false;
        }

        var builder = new StringBuilder(text.Length);
        var lastWasSpace = true; // drops leading spaces
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                error = new(ValidationCodes.DisplayNameControlCharacter, "A display name may not contain control characters (tab, line break…).");
                return false;
            }
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator)
            {
                if (!lastWasSpace)
                    builder.Append(' ');
                lastWasSpace = true;
                continue;
            }
            if (!IsAllowed(rune))
            {
                error = new(ValidationCodes.DisplayNameCharacter, "A display name may contain only letters, digits, spaces and . _ -");
                return false;
            }
            builder.Append(rune.ToString());
            lastWasSpace = false;
        }

        var candidate = builder.ToString().TrimEnd(' ');
        var length = new StringInfo(candidate).LengthInTextElements;
        if (length is < MinLength or > MaxLength)
        {
            error = new(ValidationCodes.DisplayNameLength, $"A display name has {MinLength} to {MaxLength} characters.");
            return false;
        }

        normalized = candidate;
        error = null;
        return true;
    }

    private static bool IsAllowed(Rune rune)
    {
        if (rune.Value is '.' or '_' or '-')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
            UnicodeCategory.DecimalDigitNumber => true,
            _ => false,
        };
    }
}
