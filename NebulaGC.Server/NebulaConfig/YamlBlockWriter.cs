using System.Buffers;
using System.Globalization;
using System.Text;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// A minimal block-style YAML writer for the fixed shape of Nebula's <c>config.yml</c>: nested mappings, sequences of
/// scalars and sequences of mappings. Every string that comes from data is double-quoted with escapes, so no value can
/// change type (a hex fingerprint like <c>1234e5…</c> stays a string) or break the structure; plain scalars are only
/// the renderer's own literals, numbers and booleans.
/// </summary>
/// <remarks>
/// Written by hand instead of using YamlDotNet's emitter, which costs about 2 µs per scalar: a node in a large cluster
/// carries thousands of blocklist entries and routes, and every node re-renders after each config version change.
/// No reflection, so AOT-safe. Tests parse the output back with YamlDotNet.
/// </remarks>
internal sealed class YamlBlockWriter
{
    private const int IndentStep = 2;

    // A large cluster's config is 100k+ characters: a builder and buffers that size live on the large-object heap, and
    // allocating them per render brought a full collection every few renders. Each thread keeps one builder instead.
    [ThreadStatic]
    private static StringBuilder? cachedText;

    private readonly StringBuilder text;
    private int indent;
    private bool itemStartPending;

    public YamlBlockWriter(int capacity)
    {
        text = cachedText ?? new StringBuilder(capacity);
        cachedText = null;
        text.Clear();
        text.EnsureCapacity(capacity);
    }

    /// <summary>Writes <c>key:</c> and opens a nested mapping; close it with <see cref="EndMapping"/>.</summary>
    public void StartMapping(string key)
    {
        WriteKey(key, quoteKey: false);
        text.Append('\n');
        indent += IndentStep;
    }

    public void EndMapping() => indent -= IndentStep;

    /// <summary>Writes <c>key: literal</c> for the renderer's own tokens (file names, <c>any</c>, <c>text</c>).</summary>
    public void Literal(string key, string literal)
    {
        WriteKey(key, quoteKey: false);
        text.Append(' ').Append(literal).Append('\n');
    }

    public void Number(string key, int value)
    {
        WriteKey(key, quoteKey: false);
        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public void Boolean(string key, bool value) => Literal(key, value ? "true" : "false");

    /// <summary>Writes <c>key: "value"</c>, escaped.</summary>
    public void String(string key, string value)
    {
        WriteKey(key, quoteKey: false);
        text.Append(' ');
        AppendQuoted(value);
        text.Append('\n');
    }

    /// <summary>Writes a sequence of quoted strings under <c>key</c> (a quoted key when <paramref name="quoteKey"/>); <c>[]</c> when empty.</summary>
    public void StringSequence(string key, IEnumerable<string> values, bool quoteKey = false)
    {
        WriteKey(key, quoteKey);
        bool empty = true;
        foreach (string value in values)
        {
            if (empty)
            {
                text.Append('\n');
                empty = false;
            }
            text.Append(' ', indent).Append("- ");
            AppendQuoted(value);
            text.Append('\n');
        }
        if (empty)
        {
            text.Append(" []\n");
        }
    }

    /// <summary>Writes <c>key:</c> for a sequence of mappings (each opened by <see cref="StartSequenceItem"/>), or <c>key: []</c> when it will stay empty.</summary>
    public void StartSequence(string key, bool empty)
    {
        WriteKey(key, quoteKey: false);
        text.Append(empty ? " []\n" : "\n");
    }

    /// <summary>Opens one mapping item of the current sequence: its first key is written after <c>- </c>.</summary>
    public void StartSequenceItem()
    {
        indent += IndentStep;
        itemStartPending = true;
    }

    public void EndSequenceItem() => indent -= IndentStep;

    public override string ToString() => text.ToString();

    /// <summary>
    /// The document as UTF-8 in a buffer rented from <paramref name="pool"/> (the caller returns it), without the
    /// intermediate string; the builder goes back to this thread's cache, so the writer must not be used afterwards.
    /// </summary>
    public ArraySegment<byte> ToUtf8(ArrayPool<byte> pool)
    {
        byte[] buffer = pool.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        // One encoder across chunks: a surrogate pair split between two chunks is still encoded as one character.
        Encoder encoder = Encoding.UTF8.GetEncoder();
        int written = 0;
        foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
        {
            written += encoder.GetBytes(chunk.Span, buffer.AsSpan(written), flush: false);
        }
        written += encoder.GetBytes(ReadOnlySpan<char>.Empty, buffer.AsSpan(written), flush: true);
        text.Clear();
        cachedText = text;
        return new ArraySegment<byte>(buffer, 0, written);
    }

    private void WriteKey(string key, bool quoteKey)
    {
        if (itemStartPending)
        {
            text.Append(' ', indent - IndentStep).Append("- ");
            itemStartPending = false;
        }
        else
        {
            text.Append(' ', indent);
        }
        if (quoteKey)
        {
            AppendQuoted(key);
        }
        else
        {
            text.Append(key);
        }
        text.Append(':');
    }

    /// <summary>Appends a YAML double-quoted scalar: backslash, quote and non-printable characters escaped.</summary>
    private void AppendQuoted(string value)
    {
        text.Append('"');
        int runStart = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char character = value[i];
            if (character is >= ' ' and not '"' and not '\\' and (< '\u007f' or > '\u009f') and not '\u2028' and not '\u2029' and not '\ufeff')
            {
                continue;
            }
            text.Append(value, runStart, i - runStart);
            switch (character)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    text.Append("\\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
            runStart = i + 1;
        }
        text.Append(value, runStart, value.Length - runStart);
        text.Append('"');
    }
}
