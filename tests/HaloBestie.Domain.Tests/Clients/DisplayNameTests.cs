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
    public void Invalid_names_are_refused_with_a_reason(string? input)
    {
        DisplayName.TryNormalize(input, out _, out var error).Should().BeFalse();
        error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Length_counts_what_a_reader_sees_not_utf16_units()
    {
        // 30 letters each written as base + combining accent: 60 UTF-16 units, 30 characters.
        var name = string.Concat(Enumerable.Repeat("e\u0301", 30)).Normalize(System.Text.NormalizationForm.FormD);

        DisplayName.TryNormalize(name, out _, out _).Should().BeTrue();
    }
}
