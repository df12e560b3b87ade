using System.Text;

namespace HaloBestie.Domain.Sessions;

/// <summary>
/// Risk phrases (PRODUCT.md §9): a client's message is matched against the list after both are
/// normalised: case and accents folded, digits and symbols that stand for letters read as letters
/// (<c>d1ri</c>, <c>m4ti</c>, <c>$elf</c>), a run of one letter read as one (<c>bundiiir</c>),
/// and everything else (spaces, punctuation) dropped, so <c>bunuh-diri</c> and <c>bunuhdiri</c>
/// match <c>bunuh diri</c>. A <c>*</c> in the message stands for any one letter
/// (<c>b*nuh d1ri</c>). Matching is a search for the phrase's letters anywhere in the message's:
/// it prefers a false alarm, which a person reviews, to a missed one.
/// </summary>
public static class RiskPhrases
{
    public const int MaxPhrases = 500;
    public const int MaxPhraseLength = 100;

    /// <summary>The list the project ships (Bahasa Indonesia, informal spellings, English); admins edit it.</summary>
    public static readonly IReadOnlyList<string> Defaults =
    [
        "bunuh diri", "bundir", "ingin mati", "pengen mati", "pingin mati", "ingin mengakhiri hidup",
        "akhiri hidup", "mengakhiri hidupku", "gak mau hidup lagi", "ga mau hidup lagi", "tidak mau hidup lagi",
        "capek hidup", "lelah hidup", "menyakiti diri", "nyakitin diri", "melukai diri", "sayat tangan", "gantung diri",
        "minum racun", "overdosis", "self harm", "selfharm", "suicide", "kill myself", "end my life",
        "want to die", "wanna die", "hurt myself", "cut myself",
    ];

    private const char AnyLetter = '*';

    /// <summary>The letters a text is matched on (see the class comment); <c>*</c> is kept.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in Decomposed(text)) // accents become marks of their own, which LetterOf drops
        {
            var letter = LetterOf(char.ToLowerInvariant(c));
            if (letter is null || (builder.Length > 0 && builder[^1] == letter && letter != AnyLetter))
                continue;
            builder.Append(letter.Value);
        }
        return builder.ToString();
    }

    /// <summary>The first phrase of <paramref name="phrases"/> the text contains, or null.</summary>
    public static string? FirstMatch(string text, IEnumerable<string> phrases)
    {
        var letters = Normalize(text);
        foreach (var phrase in phrases)
        {
            var wanted = Normalize(phrase).Replace(AnyLetter.ToString(), "", StringComparison.Ordinal);
            if (wanted.Length > 0 && Contains(letters, wanted))
                return phrase;
        }
        return null;
    }

    private static bool Contains(string letters, string wanted)
    {
        for (var start = 0; start + wanted.Length <= letters.Length; start++)
        {
            var i = 0;
            while (i < wanted.Length && (letters[start + i] == wanted[i] || letters[start + i] == AnyLetter))
                i++;
            if (i == wanted.Length)
                return true;
        }
        return false;
    }

    private static string Decomposed(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            return text; // not valid Unicode (a lone surrogate): read as it is
        }
    }

    private static char? LetterOf(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' or '|' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' or '+' => 't',
        '8' => 'b',
        '9' => 'g',
        AnyLetter => AnyLetter,
        _ when char.IsLetter(c) => c,
        _ => null, // spaces, punctuation, accents' marks
    };
}
