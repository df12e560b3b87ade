namespace HaloBestie.Infrastructure;

/// <summary>
/// A configuration the host must not run with. Program.Main turns it into one line on standard
/// error saying what to set, and exit code 78 (EX_CONFIG), instead of a stack trace.
/// </summary>
public sealed class StartupRefusedException(string whatToSet) : Exception(whatToSet)
{
    public const int ExitCode = 78;

    public static int Report(StartupRefusedException e)
    {
        Console.Error.WriteLine("Refusing to start: " + e.Message);
        return ExitCode;
    }
}
