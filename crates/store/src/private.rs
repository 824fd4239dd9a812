//! Files only the service's own user may read: the database holds tokens' hashes, incidents
//! and identities. Folders are made 0700 and files 0600 whatever the umask, and files made
//! earlier with wider modes are narrowed when opened. (Elsewhere than Unix: the platform's
//! defaults.)

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Mode of every file the service writes in its data folder.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;
/// Mode of the data folder.
#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` and any missing parents, each new one 0700. A folder that exists is left
/// as it is (see [`restrict_dir`]).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// Creates `dir` as [`create_dir`] does, and narrows it to 0700 if it existed with a wider
/// mode: for the data folder, which is the service's own.
pub fn restrict_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    #[cfg(unix)]
    narrow(dir, DIR_MODE)?;
    Ok(())
}

/// Opens `path` for writing from the start, creating it 0600 (and narrowing an older file).
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = options.open(path)?;
    restrict_open(&file)?;
    Ok(file)
}

/// Writes `bytes` to `path` as [`create_file`] does.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    io::Write::write_all(&mut create_file(path)?, bytes)
}

/// Narrows an existing file to 0600; a missing one is not an error.
pub fn restrict_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    match narrow(path, FILE_MODE) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        other => other?,
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Narrows an open file to 0600.
pub fn restrict_open(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o7777;
        if mode & !FILE_MODE != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & FILE_MODE))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Clears the bits of `path`'s mode outside `allowed` (group and others), if any are set.
#[cfg(unix)]
fn narrow(path: &Path, allowed: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o7777;
    if mode & !allowed != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & allowed))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_are_0700_and_new_files_0600_whatever_was_asked_before() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        let file = dir.join("state.json");
        write(&file, b"{}").unwrap();
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn wider_modes_of_existing_files_and_the_data_folder_are_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = dir.join("f");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_dir(&dir).unwrap();
        restrict_file(&file).unwrap();
        restrict_file(&dir.join("missing")).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&file), 0o600);
        write(&file, b"y").unwrap();
        assert_eq!(mode(&file), 0o600);
    }
}
