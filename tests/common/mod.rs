pub mod ewp;
