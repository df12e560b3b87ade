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
    public void Valid_names_are_trimmed_collapsed_and_normalised(string input, string expected)
    {
        DisplayName.TryNormalize(input, out var normalized, out _).Should().BeTrue();
        normalized.Should().Be(expected);
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
    public void Invalid_names_are_refused_with_a_reason(string? input)
    {
        DisplayName.TryNormalize(input, out _, out var error).Should().BeFalse();
        error.Should().NotBeNullOrEmpty();
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
    public void Control_characters_are_refused_even_where_they_would_be_white_space(string input)
    {
        DisplayName.TryNormalize(input, out var normalized, out var error).Should().BeFalse();
        normalized.Should().BeEmpty();
        error.Should().Be("A display name may not contain control characters (tab, line break…).");
    }

    [Fact]
    public void Length_counts_what_a_reader_sees_not_utf16_units()
    {
        // 30 letters each written as base + combining accent: 60 UTF-16 units, 30 characters.
        var name = string.Concat(Enumerable.Repeat("e\u0301", 30)).Normalize(System.Text.NormalizationForm.FormD);

        DisplayName.TryNormalize(name, out _, out _).Should().BeTrue();
    }
}
