using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using NebulaGC.Server.Api.Pipeline;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Tests.Api;

public sealed class ErrorMapperTests
{
    /// <summary>The failures that are the server's fault and answer 500; every other domain error must have a deliberate status.</summary>
    private static readonly string[] Internal = [nameof(DatabaseUnavailable), nameof(SchemaMismatch), nameof(CaKeyUnavailable), nameof(StoredSecretUnavailable), "InternalError"];

    public static TheoryData<string> DomainErrorTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(DomainError).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DomainError)) && !t.IsAbstract))
        {
            data.Add(type.FullName!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DomainErrorTypes))]
    public void Every_domain_error_maps_to_a_deliberate_status(string typeName)
    {
        var type = typeof(DomainError).Assembly.GetType(typeName)!;
        var error = (DomainError)RuntimeHelpers.GetUninitializedObject(type);
        var (status, _) = ErrorMapper.Classify(error);
        Assert.Equal(Internal.Contains(type.Name), status == StatusCodes.Status500InternalServerError);
    }
}
