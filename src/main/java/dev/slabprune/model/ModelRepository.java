package dev.slabprune.model;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface ModelRepository extends JpaRepository<ModelEntity, UUID> {

  Optional<ModelEntity> findByIdAndOwner(UUID id, String owner);

  Page<ModelEntity> findByOwner(String owner, Pageable pageable);
}
