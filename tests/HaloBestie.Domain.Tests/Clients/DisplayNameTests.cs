using HaloBestie.Domain;
using HaloBestie.Domain.Clients;

namespace HaloBestie.Domain.Tests.Clients;

public class DisplayNameTests
{
    [Theory]
    [InlineData("Putri Ayu", "Putri Ayu")]
    [InlineData("\u2003 Budi   Santoso \u00a0", "Budi Santoso")]
    [InlineData("Jose\u0301", "José")]
    [InlineData("Nguyễn Thị Hà", "Nguyễn Thị Hà")]
    [InlineData("a.b_c-d", "a.b_c-d")]
    [InlineData("Éa\u0301b", "Éáb")]
    [InlineData("Budi\u3000Santoso", "Budi Santoso")] // ideographic space (Zs)
    [InlineData("\u202fBudi\u2009\u00a0Santoso\u2007", "Budi Santoso")] // narrow no-break, thin, no-break, figure space (all Zs)
    public void TryNormalize_when_the_name_is_valid_trims_collapses_and_normalises_it(string input, string expected)
    {
        DisplayName.TryNormalize(input, out var normalized, out var error).Should().BeTrue();
        normalized.Should().Be(expected);
        error.Should().BeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("ab")]
    [InlineData("abcdefghijabcdefghijabcdefghija")]
    [InlineData("Budi\u0000")]
    [InlineData("Budi\u200b")]
    [InlineData("Love ❤")]
    [InlineData("Budi!")]
    [InlineData("Budi\u2028Santoso")] // line separator (Zl): white space, but not a space separator
    [InlineData("Budi\u2029Santoso")] // paragraph separator (Zp)
    public void TryNormalize_when_the_name_is_invalid_refuses_it_with_a_reason(string? input)
    {
        DisplayName.TryNormalize(input, out _, out var error).Should().BeFalse();
        error.Should().NotBeNull();
        error!.Message.Should().NotBeNullOrEmpty();
        error.Code.Should().NotBeNullOrEmpty();
    }

    /// <summary>
    /// Control characters (Unicode category Cc) are refused wherever they stand, including the
    /// ones .NET counts as white space: they were once read as spaces, so "Budi\tSantoso" was
    /// stored as "Budi Santoso".
    /// </summary>
    [Theory]
    [InlineData("Budi\tSantoso")]
    [InlineData("Budi\nSantoso")]
    [InlineData("Budi\rSantoso")]
    [InlineData("Budi\r\nSantoso")]
    [InlineData("Budi\u000bSantoso")] // vertical tab
    [InlineData("Budi\u000cSantoso")] // form feed
    [InlineData("Budi\u0085Santoso")] // next line (NEL)
    [InlineData("Budi\u001fSantoso")]
    [InlineData("Budi\u007fSantoso")] // DEL
    [InlineData("\tBudi Santoso")]
    [InlineData("Budi Santoso\n")]
    [InlineData("Budi\u0000")]
    public void TryNormalize_when_a_control_character_counts_as_white_space_still_refuses_it(string input)
    {
        DisplayName.TryNormalize(input, out var normalized, out var error).Should().BeFalse();
        normalized.Should().BeEmpty();
        error!.Message.Should().Be("A display name may not contain control characters (tab, line break…).");
        error.Code.Should().Be(ValidationCodes.DisplayNameControlCharacter);
    }

    [Fact]
    public void TryNormalize_when_letters_take_two_utf16_units_counts_what_a_reader_sees()
    {
        // 30 letters each written as base + combining accent: 60 UTF-16 units, 30 characters.
        var name = string.Concat(Enumerable.Repeat("e\u0301", 30)).Normalize(System.Text.NormalizationForm.FormD);

        DisplayName.TryNormalize(name, out _, out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("Budi 2", "Budi 2")]
    [InlineData("Sekar \u0663", "Sekar \u0663")] // Arabic-Indic digit three (Nd)
    [InlineData("Rama \u0930\u093e\u092e", "Rama \u0930\u093e\u092e")] // a Devanagari vowel sign that is a spacing mark (Mc)
    [InlineData("\u0928\u092e\u0938\u094d\u0924\u0947", "\u0928\u092e\u0938\u094d\u0924\u0947")] // namaste: virama and vowel sign, non-spacing (Mn)
    public void TryNormalize_when_the_name_has_digits_or_marks_no_letter_absorbs_accepts_them(string input, string expected)
    {
        // Latin accents compose into their letters in form C, so only scripts whose marks stay
        // separate (and digits) reach the mark and digit rules.
        DisplayName.TryNormalize(input, out var normalized, out var error).Should().BeTrue(error?.Message);
        normalized.Should().Be(expected);
    }

    /// <summary>
    /// Before counting text elements, anything longer than 8 UTF-16 units per allowed character
    /// is refused unread: 30 characters of a letter and seven combining marks each (240 units)
    /// are still read and accepted, one unit more is not.
    /// </summary>
    [Fact]
    public void TryNormalize_when_the_input_exceeds_eight_utf16_units_per_character_refuses_it_unread()
    {
        var thirtyHeavyLetters = string.Concat(Enumerable.Repeat("x" + new string('\u0332', 7), 30)); // combining low line: composes with nothing

        thirtyHeavyLetters.Length.Should().Be(240);
        DisplayName.TryNormalize(thirtyHeavyLetters, out var normalized, out _).Should().BeTrue();
        normalized.Should().Be(thirtyHeavyLetters);
        DisplayName.TryNormalize(thirtyHeavyLetters + "\u0332", out normalized, out var error).Should().BeFalse();
        normalized.Should().BeEmpty();
        error!.Message.Should().Be("A display name has at most 30 characters.");
        error.Code.Should().Be(ValidationCodes.DisplayNameLength);
    }

    [Fact]
    public void TryNormalize_when_the_text_is_not_valid_unicode_refuses_it()
    {
        // A lone high and a lone low surrogate (kept out of InlineData: test names must be valid text).
        foreach (var input in new[] { "Budi\ud800", "\udc00Budi" })
        {
            DisplayName.TryNormalize(input, out var normalized, out var error).Should().BeFalse();
            normalized.Should().BeEmpty();
            error!.Message.Should().Be("The display name is not valid Unicode text.");
            error.Code.Should().Be(ValidationCodes.NotUnicode);
        }
    }
}
