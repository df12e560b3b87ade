using System.Globalization;
using System.Reflection;
using FluentValidation;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Web;

namespace HaloBestie.ContractTests;

/// <summary>
/// Every problem an app can meet has its words in Bahasa Indonesia and every cause a stable code
/// (issue 20 items 5 and 6), and docs/authentication.md lists them: a rule added without its code
/// or its Indonesian text fails here, not in a store build.
/// </summary>
public class ProblemLanguageContractTests
{
    private static string[] ConstantsOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [Fact]
    public void Every_problem_name_has_an_Indonesian_title_and_detail()
    {
        var missing = ProblemCatalog.Names.Where(n => !ProblemLanguage.Titles.ContainsKey(n) || !ProblemLanguage.NameDetails.ContainsKey(n)).ToList();

        missing.Should().BeEmpty();
    }

    [Fact]
    public void Every_problem_code_has_an_Indonesian_detail()
    {
        ConstantsOf(typeof(ProblemCodes)).Where(c => !ProblemLanguage.CodeDetails.ContainsKey(c)).Should().BeEmpty();
    }

    [Fact]
    public void Every_validation_rule_with_its_own_message_has_a_code_with_an_Indonesian_text()
    {
        var validators = typeof(Application.ApplicationSetup).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IValidator).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IValidator)Activator.CreateInstance(t)!)
            .ToList();
        var english = CultureInfo.GetCultureInfo("en");
        var checkedRules = 0;
        var problems = new List<string>();

        foreach (var validator in validators)
        {
            foreach (var rule in validator.CreateDescriptor().Rules)
            {
                // Include(…) adds another validator's rules, checked where they are written.
                foreach (var component in rule.Components.Where(c => c.Validator is not FluentValidation.Validators.IChildValidatorAdaptor))
                {
                    checkedRules++;
                    var standard = ValidatorOptions.Global.LanguageManager.GetString(component.Validator.Name, english);
                    var custom = component.GetUnformattedErrorMessage() != standard;
                    if (custom && string.IsNullOrEmpty(component.ErrorCode))
                        problems.Add($"{validator.GetType().FullName}.{rule.PropertyName}: a message of its own without .WithErrorCode(ValidationCodes.…)");
                    else if (!string.IsNullOrEmpty(component.ErrorCode) && !ProblemLanguage.ValidationTexts.ContainsKey(component.ErrorCode))
                        problems.Add($"{validator.GetType().FullName}.{rule.PropertyName}: code {component.ErrorCode} has no Indonesian text");
                }
            }
        }

        validators.Count.Should().BeGreaterThan(30, "the Application's validators are found");
        checkedRules.Should().BeGreaterThan(100);
        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_validation_code_has_an_Indonesian_text_or_is_about_the_whole_request()
    {
        var wholeRequest = ProblemLanguage.CodeDetails.Keys;

        ConstantsOf(typeof(ValidationCodes)).Where(c => !ProblemLanguage.ValidationTexts.ContainsKey(c) && !wholeRequest.Contains(c)).Should().BeEmpty();
    }

    [Fact]
    public void Every_problem_name_and_code_is_listed_in_docs_authentication_with_its_Indonesian_text()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "authentication.md"));
        var codes = ConstantsOf(typeof(ProblemCodes)).Concat(ConstantsOf(typeof(ValidationCodes)));

        codes.Where(c => !docs.Contains($"`{c}`", StringComparison.Ordinal)).Should().BeEmpty("each code is documented");
        ProblemCatalog.Names.Where(n => !docs.Contains($"`{n}`", StringComparison.Ordinal)).Should().BeEmpty("each problem name is documented");
        ProblemLanguage.Titles.Values.Concat(ProblemLanguage.CodeDetails.Values).Concat(ProblemLanguage.ValidationTexts.Values)
            .Where(text => !docs.Contains(text, StringComparison.Ordinal)).Should().BeEmpty("the Indonesian texts are in the docs, for the apps' writers");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaloBestie.sln")) || Directory.Exists(Path.Combine(dir.FullName, ".git")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found");
    }
}
