fn main() {
    tandem_console::start();
}
