import qrcode from 'qrcode-terminal';

/** Print a QR code to link WhatsApp in the terminal (stderr, so it never mixes with piped output). */
export function printQr(qr: string): void {
  qrcode.generate(qr, { small: true }, (drawing) => {
    process.stderr.write(
      `\nLink WhatsApp: on your phone open WhatsApp → Settings → Linked devices → Link a device, and scan:\n\n${drawing}\n`,
    );
  });
}
