using System.CommandLine;
using NebulaGC.Server.Data;

namespace NebulaGC.Server.Cli;

public static class MigrateCommand
{
    public static Command Create(TextWriter output)
    {
        var db = CliOptions.Db();
        var command = new Command("migrate", "Create the database or apply pending schema migrations (master only; WAL mode).") { db };
        command.SetAction(parse =>
        {
            var database = new Database(parse.GetValue(db)!, readOnly: false);
            var applied = Migrator.Apply(database, TimeProvider.System);
            output.WriteLine(applied.Count == 0
                ? $"database '{database.Path}' is up to date at schema version {Migrator.LatestVersion}"
                : $"database '{database.Path}' migrated to schema version {Migrator.LatestVersion} ({string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}"))})");
        });
        return command;
    }
}
