//! The widget's browser entry point (built by Trunk).

fn main() {
    tandem_widget::start();
}
