/// A serial port is the original printer transport: its methods already have the shape.
extension SerialPort: PrinterTransport {}
