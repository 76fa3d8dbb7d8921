using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

public sealed class TenantService(ServiceContext context)
{
    public TenantInfo Create(string? name)
    {
        var validName = Validation.Name(name, "tenant");
        var row = new TenantRow(Guid.NewGuid(), validName, context.Now());
        context.Database.Write((c, tx) =>
        {
            if (TenantStore.NameExists(c, tx, validName))
            {
                throw new NameTaken($"a tenant named '{validName}' already exists");
            }
            TenantStore.Insert(c, tx, row);
            return row;
        });
        return ToInfo(row);
    }

    public List<TenantInfo> List() => context.Database.Read(TenantStore.List).Select(ToInfo).ToList();

    private static TenantInfo ToInfo(TenantRow row) => new(row.TenantId, row.Name, row.CreatedAt);
}
