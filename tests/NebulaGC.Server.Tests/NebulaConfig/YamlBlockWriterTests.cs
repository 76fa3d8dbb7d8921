using NebulaGC.Server.NebulaConfig;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.Server.Tests.NebulaConfig;

public sealed class YamlBlockWriterTests
{
    public static TheoryData<string> TrickyStrings => new()
    {
        "", "true", "null", "~", "1234e5", "0x1F", "- item", "#comment", "key: value", " leading", "trailing ",
        "quote\"inside", "back\\slash", "new\nline", "tab\there", "\u0001control", "\u0085next-line", "\u2028separator",
        "\ufeffbom", "ünïcödé ☃", "[flow]", "{flow}", "&anchor", "*alias", "!tag", "%directive", "'single'", "@at", "`tick`",
    };

    [Theory]
    [MemberData(nameof(TrickyStrings))]
    public void QuotedStrings_ReadBackUnchanged_AsKeysAndValues(string tricky)
    {
        var writer = new YamlBlockWriter(64);
        writer.String("value", tricky);
        writer.StringSequence("list", [tricky, "plain"]);
        writer.StartMapping("map");
        writer.StringSequence(tricky, ["keyed"], quoteKey: true);
        writer.EndMapping();
        writer.StartSequence("items", empty: false);
        writer.StartSequenceItem();
        writer.String("a", tricky);
        writer.StringSequence("b", [tricky]);
        writer.EndSequenceItem();

        YamlMappingNode root = NebulaConfigRendererTests.Parse(writer.ToString());

        Assert.Equal(tricky, ((YamlScalarNode)root["value"]).Value);
        Assert.Equal([tricky, "plain"], ((YamlSequenceNode)root["list"]).Children.Select(item => ((YamlScalarNode)item).Value));
        Assert.Equal("keyed", ((YamlScalarNode)((YamlSequenceNode)((YamlMappingNode)root["map"])[tricky])[0]).Value);
        var item = (YamlMappingNode)((YamlSequenceNode)root["items"])[0];
        Assert.Equal(tricky, ((YamlScalarNode)item["a"]).Value);
        Assert.Equal(tricky, ((YamlScalarNode)((YamlSequenceNode)item["b"])[0]).Value);
        Assert.All(root.AllNodes.OfType<YamlScalarNode>().Where(node => node.Value == tricky), node =>
            Assert.Equal(YamlDotNet.Core.ScalarStyle.DoubleQuoted, node.Style));
    }

    [Fact]
    public void EmptySequences_AreWrittenAsFlowEmptyLists()
    {
        var writer = new YamlBlockWriter(64);
        writer.StringSequence("hosts", []);
        writer.StartSequence("unsafe_routes", empty: true);

        Assert.Equal("hosts: []\nunsafe_routes: []\n", writer.ToString());
    }
}
