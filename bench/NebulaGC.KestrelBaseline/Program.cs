using NebulaGC.Client.Contracts;

// No auth, no database, no logging: what Kestrel and the JSON writer alone cost for the config-version answer.
// Usage: NebulaGC.KestrelBaseline --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default);
    options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
});
var app = builder.Build();
var answer = new ConfigVersionResponse(1);
app.MapGet("/v1/config/version", () => TypedResults.Ok(answer));
app.Run();
