using System.CommandLine;
using NebulaGC.Server.Cli;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Security;

// Only Main turns failures into exit codes: 2 for usage and configuration, 1 for a failed operation.
try
{
    var parse = ServerCli.Create(Console.Out).Parse(args);
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliError ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return ex.ExitCode;
}
catch (SecretConfigurationError ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
catch (DomainError ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
