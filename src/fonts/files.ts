/**
 * The embedded font: Arimo (metric-compatible with Arial, OFL-1.1), shipped through npm
 * as static TTFs. Every renderer takes its font from here, never from the machine.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const arimoDir = path.dirname(require.resolve('@expo-google-fonts/arimo/package.json'));

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

export const fontFiles: Record<FontStyle, string> = {
  regular: path.join(arimoDir, '400Regular', 'Arimo_400Regular.ttf'),
  bold: path.join(arimoDir, '700Bold', 'Arimo_700Bold.ttf'),
  italic: path.join(arimoDir, '400Regular_Italic', 'Arimo_400Regular_Italic.ttf'),
  boldItalic: path.join(arimoDir, '700Bold_Italic', 'Arimo_700Bold_Italic.ttf'),
};

export function fontStyle(bold: boolean, italic: boolean): FontStyle {
  if (bold && italic) return 'boldItalic';
  if (bold) return 'bold';
  if (italic) return 'italic';
  return 'regular';
}
