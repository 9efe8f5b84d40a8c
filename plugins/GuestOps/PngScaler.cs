using BigGustave;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Resizes PNG images by area averaging: each target pixel is the coverage-weighted mean of the source pixels under
/// it, with colours weighted by alpha, which keeps text legible when shrinking a console screenshot.
/// </summary>
internal static class PngScaler
{
    /// <summary>The eight bytes every PNG starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The width and height in a PNG's header (IHDR, which must come first).</summary>
    public static (int Width, int Height)? ReadSize(ReadOnlySpan<byte> png) =>
        png.Length >= 24 && png.StartsWith(Signature) && png[12..16].SequenceEqual("IHDR"u8)
            ? (ReadBigEndian(png[16..20]), ReadBigEndian(png[20..24]))
            : null;

    /// <summary>Scales a PNG to <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] Scale(byte[] png, int width, int height)
    {
        var source = Png.Open(png);
        var (sourceWidth, sourceHeight) = (source.Width, source.Height);
        // Premultiplied RGBA of the source, read once (the decoder builds each pixel on demand).
        var pixels = new float[sourceWidth * sourceHeight * 4];
        for (var y = 0; y < sourceHeight; y++)
        {
            for (var x = 0; x < sourceWidth; x++)
            {
                var pixel = source.GetPixel(x, y);
                var alpha = pixel.A / 255f;
                var at = ((y * sourceWidth) + x) * 4;
                pixels[at] = pixel.R * alpha;
                pixels[at + 1] = pixel.G * alpha;
                pixels[at + 2] = pixel.B * alpha;
                pixels[at + 3] = pixel.A;
            }
        }

        var target = PngBuilder.Create(width, height, source.HasAlphaChannel);
        var xScale = (double)sourceWidth / width;
        var yScale = (double)sourceHeight / height;
        Span<double> sum = stackalloc double[4];
        for (var y = 0; y < height; y++)
        {
            var (top, bottom) = (y * yScale, (y + 1) * yScale);
            for (var x = 0; x < width; x++)
            {
                var (left, right) = (x * xScale, (x + 1) * xScale);
                sum.Clear();
                var area = 0.0;
                for (var sy = (int)top; sy < Math.Min(sourceHeight, (int)Math.Ceiling(bottom)); sy++)
                {
                    var coverY = Math.Min(bottom, sy + 1) - Math.Max(top, sy);
                    for (var sx = (int)left; sx < Math.Min(sourceWidth, (int)Math.Ceiling(right)); sx++)
                    {
                        var weight = coverY * (Math.Min(right, sx + 1) - Math.Max(left, sx));
                        var at = ((sy * sourceWidth) + sx) * 4;
                        for (var channel = 0; channel < 4; channel++)
                        {
                            sum[channel] += pixels[at + channel] * weight;
                        }
                        area += weight;
                    }
                }
                var meanAlpha = sum[3] / area;
                // Back from premultiplied: divide the colours by the mean alpha.
                var unpremultiply = meanAlpha > 0 ? 255.0 / (meanAlpha * area) : 0;
                target.SetPixel(new Pixel(ToByte(sum[0] * unpremultiply), ToByte(sum[1] * unpremultiply), ToByte(sum[2] * unpremultiply),
                    ToByte(meanAlpha), isGrayscale: false), x, y);
            }
        }
        return target.Save();
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);

    private static int ReadBigEndian(ReadOnlySpan<byte> bytes) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes);
}
