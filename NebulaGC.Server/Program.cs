using System.CommandLine;
using NebulaGC.Server.Cli;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;

// Only Main turns failures into exit codes: 2 for usage and configuration, 1 for a failed operation.
try
{
    var parse = ServerCli.Create(Console.Out).Parse(args);
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (ConfigurationError ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is CliError or DomainError or IOException or UnauthorizedAccessException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
